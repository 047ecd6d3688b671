// Command report turns `go test -json` output of Complement's packages into a plain report, counts per package,
// and (with -expect) a verdict on the pass list.
//
//	go run ./cmd/report -json results.json [-skipped docker-only.txt] [-expect passing.txt] [-out report.txt]
//
// Exits 1 when -expect is given and a listed test did not pass; otherwise 0.
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"

	"dev.lattice/e2e/complement/internal/report"
)

func main() {
	jsonPath := flag.String("json", "", "go test -json output")
	skippedPath := flag.String("skipped", "", "tests not run, as \"package Test reason\" lines")
	expectPath := flag.String("expect", "", "the pass list: fail unless each listed test passed")
	outPath := flag.String("out", "", "write the per-test report here")
	printOutput := flag.Bool("print-output", false, "first print the tests' output as go test -v would")
	flag.Parse()
	if *printOutput {
		if err := printTestOutput(*jsonPath); err != nil {
			fmt.Fprintln(os.Stderr, "report:", err)
			os.Exit(1)
		}
	}
	if err := run(*jsonPath, *skippedPath, *expectPath, *outPath); err != nil {
		fmt.Fprintln(os.Stderr, "report:", err)
		os.Exit(1)
	}
}

func run(jsonPath, skippedPath, expectPath, outPath string) error {
	in, err := os.Open(jsonPath)
	if err != nil {
		return err
	}
	defer in.Close()
	results, err := report.Parse(in)
	if err != nil {
		return err
	}
	if skippedPath != "" {
		skipped, err := readList(skippedPath)
		if err != nil {
			return err
		}
		for key, reason := range skipped {
			results[key] = &report.Result{Key: key, Outcome: report.Skip, Reason: reason}
		}
	}
	if outPath != "" {
		if err := writeReport(outPath, results); err != nil {
			return err
		}
	}
	packages, counts := report.Summarize(results)
	total := report.Counts{}
	for _, p := range packages {
		c := counts[p]
		fmt.Printf("complement %-14s %4d passed, %4d failed, %4d skipped\n", p, c.Pass, c.Fail, c.Skip)
		total.Pass, total.Fail, total.Skip = total.Pass+c.Pass, total.Fail+c.Fail, total.Skip+c.Skip
	}
	if expectPath == "" {
		// deliberately not the "N passed, N failed" form CI reads as a verdict: this run is informational
		fmt.Printf("complement, all packages: passed %d, failed %d, skipped %d\n", total.Pass, total.Fail, total.Skip)
		return nil
	}
	expected, err := readList(expectPath)
	if err != nil {
		return err
	}
	missing := report.Missing(expected, results)
	for _, m := range missing {
		fmt.Println("complement: pass-list test did not pass:", m)
	}
	// the closing line CI reads: the pass list's own verdict
	fmt.Printf("complement: %d passed, %d failed\n", len(expected)-len(missing), len(missing))
	if len(missing) > 0 {
		os.Exit(1)
	}
	return nil
}

func readList(path string) (map[report.Key]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	list, err := report.ParseList(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return list, nil
}

func writeReport(path string, results map[report.Key]*report.Result) error {
	var b strings.Builder
	for _, r := range report.Sorted(results) {
		fmt.Fprintf(&b, "%s %s %s %.1fs", r.Outcome, r.Package, r.Test, r.Seconds)
		if r.SubtestsTotal > 0 {
			fmt.Fprintf(&b, " subtests %d/%d", r.SubtestsPass, r.SubtestsTotal)
		}
		if r.Reason != "" {
			fmt.Fprintf(&b, " (%s)", r.Reason)
		}
		b.WriteString("\n")
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

func printTestOutput(jsonPath string) error {
	in, err := os.Open(jsonPath)
	if err != nil {
		return err
	}
	defer in.Close()
	return report.Output(in, os.Stdout)
}
