// Command dockeronly prints the tests of a Complement test package that cannot run without Docker: those that
// call complement.OldDeploy (blueprints are Docker images), directly or through a helper of the same package.
//
//	go run ./cmd/dockeronly DIR
//
// prints one test name per line.
package main

import (
	"fmt"
	"os"
	"sort"

	"dev.lattice/e2e/complement/internal/scan"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: dockeronly DIR")
		os.Exit(2)
	}
	tests, err := scan.TestsCalling(os.Args[1], "OldDeploy")
	if err != nil {
		fmt.Fprintln(os.Stderr, "dockeronly:", err)
		os.Exit(1)
	}
	sort.Strings(tests)
	for _, name := range tests {
		fmt.Println(name)
	}
}
