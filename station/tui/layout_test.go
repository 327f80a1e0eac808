package tui

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/station"
)

// TestEveryScreenFitsTheTerminal renders every screen, with its forms
// open, in both languages at 80×24 and larger: exactly the terminal's
// lines, none wider than it, and the marks that carry the meaning
// without colour.
func TestEveryScreenFitsTheTerminal(t *testing.T) {
	scenes := map[string]func(*testing.T) (*station.Station, *clock){
		"voting":   votingScene,
		"counting": func(t *testing.T) (*station.Station, *clock) { return countingScene(t, true) },
		"warning":  highTurnoutScene,
		"postal": func(t *testing.T) (*station.Station, *clock) {
			s, c, _ := newStation(t, "901")
			return s, c
		},
	}
	// Each path is keys from the home screen.
	paths := [][]string{
		{}, {"v"}, {"v", "r"}, {"v", "n"}, {"w"}, {"f"}, {"a"}, {"a", "up", "right"},
		{"a", "pgdown", "pgdown", "pgdown"}, {"m"}, {"m", "up", "right"}, {"s"}, {"s", "e"}, {"?"},
		{"?", "pgdown", "pgdown", "pgdown"}, {"o"}, {"c"},
	}
	sizes := [][2]int{{80, 24}, {100, 30}, {132, 43}}
	for name, scene := range scenes {
		st, c := scene(t)
		for _, lang := range []ballot.Lang{ballot.German, ballot.English} {
			for _, size := range sizes {
				for _, path := range paths {
					d := drive(t, st, testOptions(c, lang))
					d.send(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
					d.press(path...)
					screen := d.view()
					t.Run(fmt.Sprintf("%s/%s/%dx%d/%s", name, lang, size[0], size[1], strings.Join(path, "+")), func(t *testing.T) {
						checkScreen(t, screen, size[0], size[1])
						if !strings.Contains(screen, "q") {
							t.Error("the quit key is not shown")
						}
					})
				}
			}
		}
	}
}

// TestTheKeysOfEveryScreenAreInTheFooter checks one key per screen in the
// footer and the tab line, in German and English.
func TestTheKeysOfEveryScreenAreInTheFooter(t *testing.T) {
	st, c := votingScene(t)
	for _, lang := range []ballot.Lang{ballot.German, ballot.English} {
		d := drive(t, st, testOptions(c, lang))
		lines := strings.Split(d.view(), "\n")
		tabLine := lines[1]
		for _, tab := range tabs {
			if tab.s != scrHelp && !strings.Contains(tabLine, tab.key+" "+words[tab.word][pick(lang == ballot.English, 1, 0)]) {
				t.Errorf("%s: the tab line lacks %s: %q", lang, tab.key, tabLine)
			}
		}
		footer := lines[len(lines)-1]
		if !strings.Contains(footer, "?") || !strings.Contains(footer, "q") {
			t.Errorf("%s: the footer lacks help and quit: %q", lang, footer)
		}
	}
}
