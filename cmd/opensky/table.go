package main

import (
	"io"
	"strings"
	"text/tabwriter"
)

// table writes aligned columns.
type table struct {
	tw *tabwriter.Writer
}

// newTable starts a table on w with the given column headers.
func newTable(w io.Writer, headers ...string) *table {
	t := &table{tw: tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)}
	if len(headers) > 0 {
		t.row(headers...)
	}
	return t
}

// row adds one row; tabs and newlines in cells become spaces.
func (t *table) row(cells ...string) {
	for i, c := range cells {
		cells[i] = strings.NewReplacer("\t", " ", "\n", " ").Replace(c)
	}
	_, _ = io.WriteString(t.tw, strings.Join(cells, "\t")+"\n")
}

// flush writes the table out.
func (t *table) flush() error {
	return t.tw.Flush()
}
