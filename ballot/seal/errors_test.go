package seal_test

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"strings"
	"testing"

	"github.com/wahlkoffer/wahlkoffer/ballot/seal"
)

func isCode(err error, code seal.Code) bool { return errors.Is(err, &seal.Error{Code: code}) }

func TestErrorCodes(t *testing.T) {
	seen := map[seal.Code]bool{}
	for _, c := range seal.Codes {
		if seen[c] {
			t.Fatalf("code %s listed twice", c)
		}
		seen[c] = true
	}
	s := testSigner(t, "station")
	_, err := seal.Open([]byte("{"), testRing(t, s))
	if seal.CodeOf(err) != seal.CodeEnvelopeMalformed {
		t.Fatalf("CodeOf = %q", seal.CodeOf(err))
	}
	wrapped := fmt.Errorf("tally: %w", err)
	if seal.CodeOf(wrapped) != seal.CodeEnvelopeMalformed {
		t.Fatal("CodeOf does not see through wrapping")
	}
	if !isCode(wrapped, seal.CodeEnvelopeMalformed) || isCode(wrapped, seal.CodeKeyUnknown) {
		t.Fatal("errors.Is does not match by code")
	}
	if seal.CodeOf(fmt.Errorf("plain")) != "" {
		t.Fatal("CodeOf of a foreign error is not empty")
	}
	if !strings.HasPrefix(err.Error(), "envelope-malformed: ") {
		t.Fatalf("Error() = %q", err.Error())
	}
}

// The tally sends codes to stations, so each one is explained where a
// reader of the API looks: the doc comment of seal.Code.
func TestCodesDocumented(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "errors.go", nil, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	var doc string
	ast.Inspect(f, func(n ast.Node) bool {
		if g, ok := n.(*ast.GenDecl); ok && len(g.Specs) == 1 {
			if ts, ok := g.Specs[0].(*ast.TypeSpec); ok && ts.Name.Name == "Code" {
				doc = g.Doc.Text()
			}
		}
		return true
	})
	if doc == "" {
		t.Fatal("type Code has no doc comment")
	}
	for _, c := range seal.Codes {
		if !strings.Contains(doc, "\t"+string(c)+" ") {
			t.Errorf("code %s is not explained in the doc comment of Code", c)
		}
	}
}
