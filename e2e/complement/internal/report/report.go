// Package report reads `go test -json` output of Complement's packages and counts results per top-level test.
package report

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
)

// ModulePrefix is cut from package paths: tests/csapi rather than github.com/matrix-org/complement/tests/csapi.
const ModulePrefix = "github.com/matrix-org/complement/"

// Outcome of one top-level test.
type Outcome string

const (
	Pass Outcome = "PASS"
	Fail Outcome = "FAIL"
	Skip Outcome = "SKIP"
)

// Key names a top-level test: "tests/csapi TestRoomCreate", the form of a line of passing.txt.
type Key struct{ Package, Test string }

func (k Key) String() string { return k.Package + " " + k.Test }

// Result of one top-level test; Reason says why for tests not run (Docker-only) or that never finished.
type Result struct {
	Key
	Outcome       Outcome
	Seconds       float64
	Reason        string
	SubtestsPass  int
	SubtestsTotal int
}

type event struct {
	Action  string
	Package string
	Test    string
	Elapsed float64
	Output  string
}

// Output writes the text of a go test -json stream, as go test -v would have printed it.
func Output(r io.Reader, w io.Writer) error {
	scanner := bufio.NewScanner(r)
	scanner.Buffer(make([]byte, 1<<20), 16<<20)
	for scanner.Scan() {
		var e event
		if json.Unmarshal(scanner.Bytes(), &e) == nil && e.Action == "output" {
			if _, err := io.WriteString(w, e.Output); err != nil {
				return err
			}
		}
	}
	return scanner.Err()
}

// Parse reads a go test -json stream. A test that started but never ended (the package panicked or hit its
// timeout) counts as failed.
func Parse(r io.Reader) (map[Key]*Result, error) {
	results := map[Key]*Result{}
	scanner := bufio.NewScanner(r)
	scanner.Buffer(make([]byte, 1<<20), 16<<20)
	for scanner.Scan() {
		line := scanner.Bytes()
		if len(line) == 0 || line[0] != '{' {
			continue // go's own messages between packages (build errors are also reported as events)
		}
		var e event
		if err := json.Unmarshal(line, &e); err != nil {
			return nil, fmt.Errorf("go test -json output: %w", err)
		}
		if e.Test == "" {
			continue
		}
		top, sub, isSub := strings.Cut(e.Test, "/")
		key := Key{strings.TrimPrefix(e.Package, ModulePrefix), top}
		r := results[key]
		if r == nil {
			r = &Result{Key: key, Outcome: Fail, Reason: "did not finish (package panicked or timed out)"}
			results[key] = r
		}
		switch e.Action {
		case "pass", "fail", "skip":
		default:
			continue
		}
		if isSub {
			if e.Action != "skip" && !strings.Contains(sub, "/") {
				r.SubtestsTotal++
				if e.Action == "pass" {
					r.SubtestsPass++
				}
			}
			continue
		}
		r.Outcome, r.Seconds, r.Reason = Outcome(strings.ToUpper(e.Action)), e.Elapsed, ""
	}
	return results, scanner.Err()
}

// ParseList reads passing.txt or a skip list: "package Test [reason…]" lines; # starts a comment.
func ParseList(r io.Reader) (map[Key]string, error) {
	list := map[Key]string{}
	scanner := bufio.NewScanner(r)
	for n := 1; scanner.Scan(); n++ {
		line := strings.TrimSpace(scanner.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		if len(fields) < 2 || !strings.HasPrefix(fields[1], "Test") {
			return nil, fmt.Errorf("line %d: want \"<package> <TestName> [reason]\", got %q", n, line)
		}
		list[Key{fields[0], fields[1]}] = strings.Join(fields[2:], " ")
	}
	return list, scanner.Err()
}

// Counts of one package.
type Counts struct{ Pass, Fail, Skip int }

// Summarize counts results per package, sorted by package.
func Summarize(results map[Key]*Result) ([]string, map[string]*Counts) {
	counts := map[string]*Counts{}
	for _, r := range results {
		c := counts[r.Package]
		if c == nil {
			c = &Counts{}
			counts[r.Package] = c
		}
		switch r.Outcome {
		case Pass:
			c.Pass++
		case Skip:
			c.Skip++
		default:
			c.Fail++
		}
	}
	packages := make([]string, 0, len(counts))
	for p := range counts {
		packages = append(packages, p)
	}
	sort.Strings(packages)
	return packages, counts
}

// Sorted returns the results by package, then test.
func Sorted(results map[Key]*Result) []*Result {
	list := make([]*Result, 0, len(results))
	for _, r := range results {
		list = append(list, r)
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].Package != list[j].Package {
			return list[i].Package < list[j].Package
		}
		return list[i].Test < list[j].Test
	})
	return list
}

// Missing returns the expected tests that did not pass, with their outcome.
func Missing(expected map[Key]string, results map[Key]*Result) []string {
	var missing []string
	for key := range expected {
		r := results[key]
		switch {
		case r == nil:
			missing = append(missing, key.String()+": not run")
		case r.Outcome != Pass:
			missing = append(missing, fmt.Sprintf("%s: %s %s", key, r.Outcome, r.Reason))
		}
	}
	sort.Strings(missing)
	return missing
}
