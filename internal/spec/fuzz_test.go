package spec

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// FuzzDecode checks that Decode never panics, that every failure is a
// *ValidationError or ErrTooLarge, and that any spec that decodes and
// validates re-encodes to JSON that decodes to an equal Job, both as
// written and after Default. Seeds live in testdata/fuzz/FuzzDecode.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"apiVersion":"opensky/v1","engine":"wasm","module":"m.wasm"}`))
	f.Add([]byte("apiVersion: opensky/v1\nengine: docker\nimage: alpine\nresources: {cpu: 0.5, memory: 1.5Gi}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		j, err := Decode(data)
		if err != nil {
			var ve *ValidationError
			if !errors.As(err, &ve) && !errors.Is(err, ErrTooLarge) {
				t.Fatalf("error of type %T: %v", err, err)
			}
			if ve != nil && len(ve.Problems) == 0 {
				t.Fatal("ValidationError without problems")
			}
			return
		}
		verr := j.Validate()
		if verr == nil {
			checkCanonical(t, j)
		}
		before := *j
		j.Default()
		if err := j.Validate(); (err == nil) != (verr == nil) {
			t.Fatalf("Default changed validity: before %v, after %v", verr, err)
		}
		if verr == nil {
			checkCanonical(t, j)
		}
		again := *j
		j.Default()
		if !reflect.DeepEqual(*j, again) {
			t.Fatalf("Default is not idempotent: %+v", before)
		}
		_ = j.RequireResolved()
	})
}

// TestFuzzSeeds keeps the committed corpus honest: seeds named valid-*
// decode and validate, the others are refused by Decode or Validate.
func TestFuzzSeeds(t *testing.T) {
	files, err := filepath.Glob("testdata/fuzz/FuzzDecode/*")
	if err != nil || len(files) == 0 {
		t.Fatalf("corpus: %v", err)
	}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		header, body, _ := strings.Cut(string(raw), "\n")
		body = strings.TrimSpace(body)
		if header != "go test fuzz v1" || !strings.HasPrefix(body, "[]byte(") || !strings.HasSuffix(body, ")") {
			t.Fatalf("%s: not a corpus file", f)
		}
		data, err := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(body, "[]byte("), ")"))
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		j, err := Decode([]byte(data))
		if err == nil {
			err = j.Validate()
		}
		if valid := strings.HasPrefix(filepath.Base(f), "valid-"); valid != (err == nil) {
			t.Errorf("%s: valid=%v, got %v", f, valid, err)
		}
	}
}
