//go:build !windows

// xdg-user-dirs is Linux's: its file holds Unix paths, read by the Linux build only.

package machine

import (
	"reflect"
	"testing"
)

func TestParseUserDirs(t *testing.T) {
	data := []byte(`# This file is written by xdg-user-dirs-update
# XDG_DOWNLOAD_DIR="$HOME/commented"
XDG_DESKTOP_DIR="$HOME/Bureau"
XDG_DOWNLOAD_DIR="$HOME/Téléchargements"
  XDG_DOCUMENTS_DIR = "/srv/docs/"
XDG_MUSIC_DIR="$HOME"
XDG_PICTURES_DIR="relative/Images"
XDG_VIDEOS_DIR="$HOMEX/Vidéos"
XDG_TEMPLATES_DIR="$HOME/Mod\"èles\\x"
XDG_PUBLICSHARE_DIR="$HOME/unterminated
XDG_FOO_DIR=$HOME/unquoted
`)
	got := parseUserDirs(data, "/home/zoé")
	want := map[string]string{
		"DESKTOP":   "/home/zoé/Bureau",
		"DOWNLOAD":  "/home/zoé/Téléchargements",
		"DOCUMENTS": "/srv/docs",
		"TEMPLATES": `/home/zoé/Mod"èles\x`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %q\nwant %q", got, want)
	}
}
