package ui

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/opensky-network/opensky/internal/spec"
)

// inputRows is how many inline input files the submit form offers.
const inputRows = 3

// jobForm is what a visitor typed into the submit form, kept as typed so
// that a form with problems comes back as it was sent.
type jobForm struct {
	Template     string
	Name         string
	Args         string // one argument per line
	Shards       string
	Replicas     string
	CPU          string
	Memory       string
	Timeout      string
	MaxPrice     string
	Verification string
	// Escrow is the chain escrow that pays for the job, on a network
	// that charges for jobs.
	Escrow string
	Inputs [inputRows]inputRow
	// Module is the blob reference of a module uploaded with an earlier
	// try of this form, ModuleName its file name; a new upload replaces it.
	Module     string
	ModuleName string
}

// inputRow is one inline input file of the form.
type inputRow struct {
	Name    string
	Content string
}

// verificationModes are the choices of the form's verification select;
// the empty choice leaves it to the spec's default.
var verificationModes = []spec.Verification{spec.VerifyNone, spec.VerifyQuorum, spec.VerifySpotCheck, spec.VerifyAuto}

// readJobForm reads the form's fields (not the module upload) from v.
func readJobForm(v url.Values) jobForm {
	f := jobForm{
		Template:     v.Get("template"),
		Name:         strings.TrimSpace(v.Get("name")),
		Args:         v.Get("args"),
		Shards:       strings.TrimSpace(v.Get("shards")),
		Replicas:     strings.TrimSpace(v.Get("replicas")),
		CPU:          strings.TrimSpace(v.Get("cpu")),
		Memory:       strings.TrimSpace(v.Get("memory")),
		Timeout:      strings.TrimSpace(v.Get("timeout")),
		MaxPrice:     strings.TrimSpace(v.Get("maxPrice")),
		Verification: strings.TrimSpace(v.Get("verification")),
		Escrow:       strings.TrimSpace(v.Get("escrow")),
		Module:       strings.TrimSpace(v.Get("moduleRef")),
		ModuleName:   v.Get("moduleName"),
	}
	if !spec.IsBlobRef(f.Module) {
		f.Module, f.ModuleName = "", ""
	}
	for i := range f.Inputs {
		f.Inputs[i] = inputRow{
			Name:    strings.TrimSpace(v.Get(fmt.Sprintf("input%dName", i))),
			Content: v.Get(fmt.Sprintf("input%dContent", i)),
		}
	}
	return f
}

// Field names of the form, as its problems are keyed.
const (
	fieldModule       = "module"
	fieldName         = "name"
	fieldArgs         = "args"
	fieldShards       = "shards"
	fieldReplicas     = "replicas"
	fieldCPU          = "cpu"
	fieldMemory       = "memory"
	fieldTimeout      = "timeout"
	fieldMaxPrice     = "maxPrice"
	fieldVerification = "verification"
	fieldEscrow       = "escrow"
)

// inputField is the key of the problems of input row i.
func inputField(i int) string { return "input" + strconv.Itoa(i) }

// formProblems are the problems of a sent form: by field, and those that
// belong to no field.
type formProblems struct {
	Fields  map[string][]string
	General []string
}

func (p *formProblems) add(field, msg string) {
	if field == "" {
		p.General = append(p.General, msg)
		return
	}
	if p.Fields == nil {
		p.Fields = make(map[string][]string)
	}
	p.Fields[field] = append(p.Fields[field], msg)
}

// empty reports whether there is no problem.
func (p *formProblems) empty() bool { return len(p.Fields) == 0 && len(p.General) == 0 }

// Field returns the problems of one field, for the template.
func (p *formProblems) Field(name string) []string {
	if p == nil {
		return nil
	}
	return p.Fields[name]
}

// toSpec turns the form into a wasm job spec with the module ref, defaulted
// and validated. Values that do not parse and the spec's own problems are
// all reported, each under its field.
func (f *jobForm) toSpec() (spec.Job, *formProblems) {
	ps := &formProblems{}
	j := spec.Job{APIVersion: spec.APIVersion, Kind: spec.KindJob, Engine: spec.EngineWasm, Name: f.Name, Module: f.Module}
	if f.Module == "" {
		ps.add(fieldModule, "upload the WebAssembly module (.wasm) to run")
	}
	j.Args = formArgs(f.Args)
	j.Shards = parseCount(ps, fieldShards, f.Shards)
	j.Replicas = parseCount(ps, fieldReplicas, f.Replicas)
	if f.CPU != "" {
		v, err := spec.ParseMilliCPU(f.CPU)
		ps.addErr(fieldCPU, err)
		j.Resources.CPU = v
	}
	if f.Memory != "" {
		v, err := spec.ParseByteSize(f.Memory)
		ps.addErr(fieldMemory, err)
		j.Resources.Memory = v
	}
	if f.Timeout != "" {
		v, err := spec.ParseDuration(f.Timeout)
		ps.addErr(fieldTimeout, err)
		j.Resources.Timeout = v
	}
	if f.MaxPrice != "" {
		v, err := spec.ParseMicroUSD(f.MaxPrice)
		ps.addErr(fieldMaxPrice, err)
		j.MaxPrice = v
	}
	j.Verification = spec.Verification(f.Verification)
	j.Escrow = f.Escrow
	// Rows left empty are not inputs; rowOf maps an input's index in the
	// spec back to its row.
	rowOf := inputRowsOf(*f)
	for _, i := range rowOf {
		j.Inputs = append(j.Inputs, spec.Input{Name: f.Inputs[i].Name, Content: f.Inputs[i].Content})
	}
	unparsed := make(map[string]bool, len(ps.Fields))
	for field := range ps.Fields {
		unparsed[field] = true
	}
	j.Default()
	var ve *spec.ValidationError
	if err := j.Validate(); errors.As(err, &ve) {
		for _, p := range ve.Problems {
			field, ok := problemField(p.Path, rowOf)
			if ok && unparsed[field] {
				continue // the value did not parse, which says it already
			}
			msg := p.Message
			if !ok && p.Path != "" {
				msg = p.String()
			}
			ps.add(field, msg)
		}
	} else if err != nil {
		ps.add("", err.Error())
	}
	return j, ps
}

// addErr records err, when there is one, as the field's problem.
func (p *formProblems) addErr(field string, err error) {
	if err != nil {
		p.add(field, err.Error())
	}
}

// formArgs splits the args field into one argument per line; a trailing
// carriage return (from a browser's CRLF) is not part of an argument, and
// blank lines at the end are dropped.
func formArgs(s string) []string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	for len(lines) > 0 && strings.TrimSpace(lines[len(lines)-1]) == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// parseCount reads a whole number field; empty is 0 (the default).
func parseCount(ps *formProblems, field, s string) int {
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		ps.add(field, fmt.Sprintf("must be a whole number, not %q", s))
		return 0
	}
	return n
}

// inputPath matches a problem of one input: "inputs[2].name".
var inputPath = regexp.MustCompile(`^inputs\[(\d+)\]`)

// problemField maps a spec problem's path to the form field that shows
// it; ok is false for a path the form has no field for (the problem is
// then shown at the top of the form).
func problemField(path string, rowOf []int) (field string, ok bool) {
	switch {
	case path == "module":
		return fieldModule, true
	case path == "name":
		return fieldName, true
	case path == "args" || strings.HasPrefix(path, "args["):
		return fieldArgs, true
	case path == "shards":
		return fieldShards, true
	case path == "replicas":
		return fieldReplicas, true
	case path == "resources.cpu":
		return fieldCPU, true
	case path == "resources.memory":
		return fieldMemory, true
	case path == "resources.timeout":
		return fieldTimeout, true
	case path == "maxPrice":
		return fieldMaxPrice, true
	case path == "verification" || path == "spotCheck":
		return fieldVerification, true
	case path == "escrow":
		return fieldEscrow, true
	}
	if m := inputPath.FindStringSubmatch(path); m != nil {
		if i, err := strconv.Atoi(m[1]); err == nil && i < len(rowOf) {
			return inputField(rowOf[i]), true
		}
	}
	return "", false
}

// jobTemplate pre-fills the form for one of the repository's examples;
// the module must still be uploaded.
type jobTemplate struct {
	ID    string `json:"id"`
	Label string `json:"label"`
	// Module is the file the example builds, named in the form's hint.
	Module string  `json:"module"`
	Form   jobForm `json:"form"`
}

// jobTemplates are the examples under examples/ in the repository.
var jobTemplates = []jobTemplate{
	{ID: "pi", Label: "π by Monte Carlo (16 shards)", Module: "pi.wasm", Form: jobForm{
		Name: "pi", Args: "1000000", Shards: "16", CPU: "1", Memory: "32Mi", Timeout: "1m",
	}},
	{ID: "wordcount", Label: "Word count", Module: "wordcount.wasm", Form: jobForm{
		Name: "wordcount", CPU: "500m", Memory: "64Mi", Timeout: "1m",
		Inputs: [inputRows]inputRow{
			{Name: "texts/sky.txt", Content: "the sky is wide and the sky is open\n"},
			{Name: "texts/network.txt", Content: "a network of machines shares the work\n"},
		},
	}},
	{ID: "matmul", Label: "Matrix multiplication (200×200)", Module: "matmul.wasm", Form: jobForm{
		Name: "matmul", Args: "200", CPU: "1", Memory: "64Mi", Timeout: "1m",
	}},
}

// findTemplate returns the template called id.
func findTemplate(id string) (jobTemplate, bool) {
	for _, t := range jobTemplates {
		if t.ID == id {
			return t, true
		}
	}
	return jobTemplate{}, false
}
