package spec

import "sort"

// validateMeta checks apiVersion, kind, name and labels.
func (j *Job) validateMeta(ps *problems) {
	switch j.APIVersion {
	case APIVersion:
	case "":
		ps.add("apiVersion", "required; this build understands %q", APIVersion)
	default:
		ps.add("apiVersion", "unsupported version %q; this build understands %q", j.APIVersion, APIVersion)
	}
	if j.Kind != "" && j.Kind != KindJob {
		ps.add("kind", "unsupported kind %q; want %q", j.Kind, KindJob)
	}
	if j.Name != "" && !isDNSLabel(j.Name) {
		ps.add("name", "must be at most %d lowercase letters, digits and '-', starting and ending with a letter or digit", MaxNameLen)
	}
	validateLabels(j.Labels, ps)
}

func validateLabels(labels map[string]string, ps *problems) {
	if len(labels) > MaxLabels {
		ps.add("labels", "%d labels, the limit is %d", len(labels), MaxLabels)
	}
	keys := make([]string, 0, len(labels))
	for k := range labels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		p := keyPath("labels", k)
		if !isLabelKey(k) {
			ps.add(p, "invalid label key: use at most %d characters from A-Z a-z 0-9 . _ / -, starting and ending with a letter or digit", MaxLabelKeyLen)
		}
		v := labels[k]
		if len(v) > MaxLabelValueLen {
			ps.add(p, "value longer than %d bytes", MaxLabelValueLen)
		} else if t := textProblem(v); t != "" {
			ps.add(p, "value %s", t)
		}
	}
}
