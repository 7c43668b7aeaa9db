package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"gopkg.in/yaml.v3"
)

// Output formats of the -o flag.
const (
	formatTable = "table"
	formatJSON  = "json"
	formatYAML  = "yaml"
)

// addFormatFlag adds -o/--output with the allowed formats; the first is the
// default.
func addFormatFlag(cmd *cobra.Command, f *string, allowed ...string) {
	cmd.Flags().StringVarP(f, "output", "o", allowed[0], "output format: "+strings.Join(allowed, ", "))
	prev := cmd.PreRunE
	cmd.PreRunE = func(c *cobra.Command, args []string) error {
		if !slices.Contains(allowed, *f) {
			return fmt.Errorf("unknown output format %q: use %s", *f, strings.Join(allowed, ", "))
		}
		if prev != nil {
			return prev(c, args)
		}
		return nil
	}
}

// printData writes v as JSON (indented) or YAML. YAML is made from the JSON
// encoding, so both formats use the same field names and values.
func printData(w io.Writer, format string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("encode output: %w", err)
	}
	if format == formatYAML {
		if data, err = jsonToYAML(data); err != nil {
			return err
		}
	} else {
		data = append(data, '\n')
	}
	_, err = w.Write(data)
	return err
}

// jsonToYAML converts a JSON document to block-style YAML, keeping the key
// order. Strings that would read as another type in YAML stay quoted.
func jsonToYAML(data []byte) ([]byte, error) {
	var n yaml.Node
	if err := yaml.Unmarshal(data, &n); err != nil {
		return nil, fmt.Errorf("convert output to YAML: %w", err)
	}
	blockStyle(&n)
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&n); err != nil {
		return nil, fmt.Errorf("convert output to YAML: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("convert output to YAML: %w", err)
	}
	return buf.Bytes(), nil
}

// yaml11Bools are strings that YAML 1.1 readers take for booleans; they
// are quoted so that every reader sees a string.
var yaml11Bools = map[string]bool{
	"y": true, "yes": true, "n": true, "no": true, "on": true, "off": true,
}

// blockStyle clears the flow and quoting styles the JSON source implied;
// the encoder still quotes strings that would read as another type.
func blockStyle(n *yaml.Node) {
	n.Style = 0
	if n.Kind == yaml.ScalarNode && n.Tag == "!!str" && yaml11Bools[strings.ToLower(n.Value)] {
		n.Style = yaml.DoubleQuotedStyle
	}
	for _, c := range n.Content {
		blockStyle(c)
	}
}
