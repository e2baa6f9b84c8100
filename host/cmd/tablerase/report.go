package main

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/tablerase/tablerase/host/internal/session"
)

// printReport shows a clean's report to the admin: counts per folder, never a file name.
func printReport(w io.Writer, r session.Report, asJSON bool) {
	if asJSON {
		b, _ := json.MarshalIndent(r, "", "  ")
		fmt.Fprintf(w, "%s\n", b)
		return
	}
	fmt.Fprintf(w, "Résultat / result: %s (scope %s, %d ms)\n", r.Status, r.Scope, r.DurationMS)
	for _, f := range r.Files.Folders {
		fmt.Fprintf(w, "  %-12s %-8s supprimés/removed %d, conservés/kept %d, échecs/failed %d\n",
			f.Label, f.Status, f.Removed, f.Kept, f.Failed)
	}
	fmt.Fprintf(w, "  presse-papiers/clipboard: %s %s\n", r.Clipboard.Status, r.Clipboard.Code)
	fmt.Fprintf(w, "  documents récents/recent documents: %s %s (%d)\n", r.RecentDocuments.Status,
		r.RecentDocuments.Code, r.RecentDocuments.Removed)
	if b := r.BrowserStores; b != nil {
		fmt.Fprintf(w, "  navigateurs fermés (mots de passe, saisies, données de sites)/closed browsers (passwords, autofill, site data): %s %s (%d)\n",
			b.Status, b.Code, b.Removed)
	}
	if b := r.BrowserResidue; b != nil {
		fmt.Fprintf(w, "  navigateurs fermés (caches, onglets, journaux de l'accompagnement)/closed browsers (the accompaniment's caches, tabs, logs): %s %s (%d)\n",
			b.Status, b.Code, b.Removed)
	}
}
