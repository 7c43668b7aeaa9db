package spec

import "strings"

// validateInputs checks the inputs: clean unique names that do not nest in
// one another, exactly one source each, and the inline content budget.
func (j *Job) validateInputs(ps *problems) {
	if len(j.Inputs) > MaxInputs {
		ps.add("inputs", "%d inputs, the limit is %d", len(j.Inputs), MaxInputs)
	}
	seen := make(map[string]int, len(j.Inputs))
	inline := 0
	for i, in := range j.Inputs {
		p := indexPath("inputs", i)
		inline += len(in.Content)
		if msg := relPathProblem(in.Name, MaxInputNameBytes); msg != "" {
			ps.add(p+".name", "%s", msg)
		} else if first, dup := seen[in.Name]; dup {
			ps.add(p+".name", "duplicate of inputs[%d].name", first)
		} else {
			seen[in.Name] = i
		}
		var set []string
		if in.Content != "" {
			set = append(set, "content")
		}
		if in.File != "" {
			set = append(set, "file")
		}
		if in.Object != "" {
			set = append(set, "object")
		}
		if in.Blob != "" {
			set = append(set, "blob")
		}
		switch len(set) {
		case 0:
			ps.add(p, "one of content, file, object or blob is required")
		case 1:
		default:
			ps.add(p, "only one of content, file, object or blob may be set, found %s", strings.Join(set, " and "))
		}
		if len(in.Object) > maxObjectRef {
			ps.add(p+".object", "longer than %d bytes: want a stored object's CID", maxObjectRef)
		}
		if in.Blob != "" && !IsBlobRef(in.Blob) {
			ps.add(p+".blob", "invalid blob reference: want %s and 64 lowercase hex digits", BlobPrefix)
		}
		switch {
		case len(in.File) > MaxPathLen:
			ps.add(p+".file", "longer than %d bytes", MaxPathLen)
		case strings.IndexByte(in.File, 0) >= 0:
			ps.add(p+".file", "must not contain a NUL byte")
		}
	}
	for i, in := range j.Inputs {
		if seen[in.Name] != i {
			continue
		}
		for dir := in.Name; ; {
			k := strings.LastIndexByte(dir, '/')
			if k < 0 {
				break
			}
			dir = dir[:k]
			if other, ok := seen[dir]; ok {
				ps.add(indexPath("inputs", i)+".name", "inside inputs[%d].name %q, which is a file", other, dir)
				break
			}
		}
	}
	if inline > MaxInlineBytes {
		ps.add("inputs", "inline content totals %d bytes, the limit is %s", inline, ByteSize(MaxInlineBytes))
	}
}

// validateOutputs checks the outputs: non-empty unique names and clean
// relative paths under /outputs.
func (j *Job) validateOutputs(ps *problems) {
	if len(j.Outputs) > MaxOutputs {
		ps.add("outputs", "%d outputs, the limit is %d", len(j.Outputs), MaxOutputs)
	}
	seen := make(map[string]int, len(j.Outputs))
	for i, out := range j.Outputs {
		p := indexPath("outputs", i)
		switch {
		case out.Name == "":
			ps.add(p+".name", "required")
		case len(out.Name) > MaxOutputNameBytes:
			ps.add(p+".name", "longer than %d bytes", MaxOutputNameBytes)
		case textProblem(out.Name) != "":
			ps.add(p+".name", "%s", textProblem(out.Name))
		default:
			if first, dup := seen[out.Name]; dup {
				ps.add(p+".name", "duplicate of outputs[%d].name", first)
			} else {
				seen[out.Name] = i
			}
		}
		if msg := relPathProblem(out.Path, MaxInputNameBytes); msg != "" {
			ps.add(p+".path", "%s", msg)
		}
	}
}

// maxObjectRef bounds an input's stored object CID.
const maxObjectRef = 128
