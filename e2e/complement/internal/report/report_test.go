package report

import (
	"strings"
	"testing"
)

const stream = `{"Action":"run","Package":"github.com/matrix-org/complement/tests/csapi","Test":"TestA"}
{"Action":"run","Package":"github.com/matrix-org/complement/tests/csapi","Test":"TestA/sub_1"}
{"Action":"pass","Package":"github.com/matrix-org/complement/tests/csapi","Test":"TestA/sub_1","Elapsed":0.1}
{"Action":"fail","Package":"github.com/matrix-org/complement/tests/csapi","Test":"TestA/sub_2","Elapsed":0.1}
{"Action":"fail","Package":"github.com/matrix-org/complement/tests/csapi","Test":"TestA","Elapsed":1.5}
{"Action":"pass","Package":"github.com/matrix-org/complement/tests/csapi","Test":"TestB","Elapsed":0.2}
{"Action":"skip","Package":"github.com/matrix-org/complement/tests/csapi","Test":"TestC","Elapsed":0}
{"Action":"run","Package":"github.com/matrix-org/complement/tests","Test":"TestHangs"}
{"Action":"fail","Package":"github.com/matrix-org/complement/tests","Elapsed":600}
`

func TestParseCountsTopLevelTestsAndTreatsUnfinishedAsFailed(t *testing.T) {
	results, err := Parse(strings.NewReader(stream))
	if err != nil {
		t.Fatal(err)
	}
	a := results[Key{"tests/csapi", "TestA"}]
	if a == nil || a.Outcome != Fail || a.SubtestsPass != 1 || a.SubtestsTotal != 2 {
		t.Fatalf("TestA = %+v, want FAIL with 1/2 subtests", a)
	}
	if r := results[Key{"tests", "TestHangs"}]; r == nil || r.Outcome != Fail || r.Reason == "" {
		t.Fatalf("TestHangs = %+v, want FAIL with a reason", r)
	}
	packages, counts := Summarize(results)
	if strings.Join(packages, ",") != "tests,tests/csapi" {
		t.Fatalf("packages = %v", packages)
	}
	if c := *counts["tests/csapi"]; c != (Counts{Pass: 1, Fail: 1, Skip: 1}) {
		t.Fatalf("tests/csapi counts = %+v", c)
	}
}

func TestMissingListsExpectedTestsThatDidNotPass(t *testing.T) {
	results, _ := Parse(strings.NewReader(stream))
	expected, err := ParseList(strings.NewReader("# comment\ntests/csapi TestB\ntests/csapi TestA\n\ntests/csapi TestGone\n"))
	if err != nil {
		t.Fatal(err)
	}
	missing := Missing(expected, results)
	if len(missing) != 2 || !strings.HasPrefix(missing[0], "tests/csapi TestA: FAIL") ||
		missing[1] != "tests/csapi TestGone: not run" {
		t.Fatalf("Missing = %q", missing)
	}
}

func TestParseListRejectsLinesWithoutATestName(t *testing.T) {
	if _, err := ParseList(strings.NewReader("tests/csapi\n")); err == nil {
		t.Fatal("want an error for a line without a test")
	}
	if _, err := ParseList(strings.NewReader("tests/csapi NotATest\n")); err == nil {
		t.Fatal("want an error for a name that is not TestXxx")
	}
}
