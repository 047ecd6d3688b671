package scan

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

const source = `package tests

import "testing"

func setup(t *testing.T) { complement.OldDeploy(t, b.BlueprintCleanHS) }

func indirect(t *testing.T) { setup(t) }

func TestDirect(t *testing.T) { complement.OldDeploy(t, b.BlueprintAlice) }

func TestThroughHelpers(t *testing.T) { indirect(t) }

func TestNewDeploy(t *testing.T) { complement.Deploy(t, 1) }

func TestMain(m *testing.M) { setup(nil) }
`

func TestTestsCallingFollowsHelpersAndIgnoresOthers(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a_test.go"), []byte(source), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := TestsCalling(dir, "OldDeploy")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"TestDirect", "TestThroughHelpers"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("TestsCalling = %v, want %v", got, want)
	}
}

func TestTestsCallingReportsUnparsableSource(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "bad.go"), []byte("package x\nfunc {"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := TestsCalling(dir, "OldDeploy"); err == nil {
		t.Fatal("want a parse error")
	}
}
