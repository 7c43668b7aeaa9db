// Command wordcount counts the words in every file under /inputs.
//
// A word is a run of letters and digits, compared in lower case. The files
// are taken in sorted path order; when OPENSKY_SHARD_COUNT is above 1 a
// shard takes the files whose index modulo the count is its
// OPENSKY_SHARD_INDEX. It writes every "word count" line, sorted by word,
// to /outputs/counts.txt and the ten most frequent words to stdout.
// args[1], when given, replaces /inputs as the directory to read.
package main

import (
	"bufio"
	"cmp"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

const (
	inputsDir  = "/inputs"
	outputsDir = "/outputs"
	topN       = 10
)

func main() {
	dir := inputsDir
	if len(os.Args) > 1 {
		dir = os.Args[1]
	}
	shard, err := envInt("OPENSKY_SHARD_INDEX", 0)
	if err != nil {
		fail(err)
	}
	count, err := envInt("OPENSKY_SHARD_COUNT", 1)
	if err != nil {
		fail(err)
	}

	files, err := listFiles(dir)
	if err != nil {
		fail(err)
	}
	counts := map[string]int{}
	for i, f := range files {
		if count > 1 && i%count != shard {
			continue
		}
		if err := countFile(f, counts); err != nil {
			fail(err)
		}
	}

	words := slices.Sorted(maps.Keys(counts))
	var b strings.Builder
	for _, w := range words {
		fmt.Fprintf(&b, "%s %d\n", w, counts[w])
	}
	if err := writeOutput("counts.txt", []byte(b.String())); err != nil {
		fail(err)
	}

	slices.SortStableFunc(words, func(a, b string) int { return cmp.Compare(counts[b], counts[a]) })
	for _, w := range words[:min(topN, len(words))] {
		fmt.Printf("%s %d\n", w, counts[w])
	}
}

// listFiles returns the regular files under dir in sorted order.
func listFiles(dir string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			files = append(files, p)
		}
		return nil
	})
	slices.Sort(files)
	return files, err
}

// countFile adds the words of the file at p to counts.
func countFile(p string, counts map[string]int) error {
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		for _, w := range strings.FieldsFunc(sc.Text(), notWordRune) {
			counts[strings.ToLower(w)]++
		}
	}
	return sc.Err()
}

func notWordRune(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }

// envInt reads a non-negative integer variable, def when unset.
func envInt(name string, def int) (int, error) {
	v := os.Getenv(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%s must be a non-negative integer, got %q", name, v)
	}
	return n, nil
}

// writeOutput writes name under the outputs directory; run natively,
// without one, it only says so.
func writeOutput(name string, data []byte) error {
	if _, err := os.Stat(outputsDir); err != nil {
		fmt.Fprintf(os.Stderr, "no %s directory; not writing %s\n", outputsDir, name)
		return nil
	}
	return os.WriteFile(filepath.Join(outputsDir, name), data, 0o644)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "wordcount:", err)
	os.Exit(1)
}
