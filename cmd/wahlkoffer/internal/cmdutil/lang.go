package cmdutil

import (
	"os"

	"github.com/spf13/cobra"

	"github.com/wahlkoffer/wahlkoffer/ballot"
)

// LangEnv names the environment variable that chooses the language when
// --lang is not given.
const LangEnv = "WAHLKOFFER_LANG"

// AddLangFlag adds the persistent --lang flag to the root command.
func AddLangFlag(cmd *cobra.Command) {
	cmd.PersistentFlags().String("lang", "", "language of messages and documents: de or en (default de, or $"+LangEnv+")")
	_ = cmd.RegisterFlagCompletionFunc("lang", cobra.FixedCompletions([]string{"de", "en"}, cobra.ShellCompDirectiveNoFileComp))
}

// Lang resolves the language of a command: --lang, then $WAHLKOFFER_LANG,
// then German.
func Lang(cmd *cobra.Command) (ballot.Lang, error) {
	v, _ := cmd.Flags().GetString("lang")
	if v == "" {
		v = os.Getenv(LangEnv)
	}
	lang, err := ballot.ParseLang(v)
	if err != nil {
		return "", &UsageError{Err: err}
	}
	return lang, nil
}

// Words are the German and English texts of a command's output, by key,
// German first.
type Words map[string][2]string

// In returns the text of key in lang (German unless English).
func (w Words) In(lang ballot.Lang, key string) string {
	if lang == ballot.English {
		return w[key][1]
	}
	return w[key][0]
}
