// Package scan finds, by reading a test package's source, the tests that reach a given function.
package scan

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
)

// TestsCalling returns the top-level tests (func TestXxx(t *testing.T)) of the Go package in dir that call a
// function or method named target, directly or through functions of the same package. Names are matched without
// types: a same-named function elsewhere counts too, which errs on the side of listing a test.
func TestsCalling(dir, target string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	calls := map[string]map[string]bool{} // function name → names it calls
	var tests []string
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".go") {
			continue
		}
		file, err := parser.ParseFile(fset, filepath.Join(dir, e.Name()), nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		for _, decl := range file.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			name := fn.Name.Name
			if calls[name] == nil {
				calls[name] = map[string]bool{}
			}
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				if call, ok := n.(*ast.CallExpr); ok {
					switch f := call.Fun.(type) {
					case *ast.Ident:
						calls[name][f.Name] = true
					case *ast.SelectorExpr:
						calls[name][f.Sel.Name] = true
					}
				}
				return true
			})
			if fn.Recv == nil && isTest(fn) {
				tests = append(tests, name)
			}
		}
	}
	reaches := reaching(calls, target)
	var result []string
	for _, test := range tests {
		if reaches[test] {
			result = append(result, test)
		}
	}
	return result, nil
}

// reaching returns the functions from which target is reachable in the call graph.
func reaching(calls map[string]map[string]bool, target string) map[string]bool {
	reaches := map[string]bool{target: true}
	for changed := true; changed; {
		changed = false
		for fn, callees := range calls {
			if reaches[fn] {
				continue
			}
			for callee := range callees {
				if reaches[callee] {
					reaches[fn], changed = true, true
					break
				}
			}
		}
	}
	return reaches
}

func isTest(fn *ast.FuncDecl) bool {
	if !strings.HasPrefix(fn.Name.Name, "Test") || fn.Name.Name == "TestMain" {
		return false
	}
	params := fn.Type.Params.List
	if len(params) != 1 {
		return false
	}
	star, ok := params[0].Type.(*ast.StarExpr)
	if !ok {
		return false
	}
	sel, ok := star.X.(*ast.SelectorExpr)
	return ok && sel.Sel.Name == "T"
}
