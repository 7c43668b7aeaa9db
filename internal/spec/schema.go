package spec

import (
	"encoding/json"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
)

var unmarshalerType = reflect.TypeFor[json.Unmarshaler]()

// checkSchema walks a generic value alongside the Go type it is about to be
// decoded into and records, with its path, every unknown field (matched
// exactly, unlike encoding/json, which ignores case), every type mismatch
// and every quantity that does not parse. A JSON null is accepted anywhere
// and leaves the field unset.
func checkSchema(v any, t reflect.Type, path string, ps *problems) {
	if v == nil {
		return
	}
	if reflect.PointerTo(t).Implements(unmarshalerType) {
		raw, err := json.Marshal(v)
		if err == nil {
			err = reflect.New(t).Interface().(json.Unmarshaler).UnmarshalJSON(raw)
		}
		if err != nil {
			ps.add(path, "%s", err)
		}
		return
	}
	switch t.Kind() {
	case reflect.Pointer:
		// An optional section (reduce): checked as what it points to.
		checkSchema(v, t.Elem(), path, ps)
	case reflect.Struct:
		m, ok := v.(map[string]any)
		if !ok {
			ps.add(path, "expected an object, got %s", kindOf(v))
			return
		}
		fields := jsonFields(t)
		for _, k := range sortedKeys(m) {
			f, ok := fields[k]
			if !ok {
				ps.add(keyPath(path, k), "%s", unknownField(k, fields))
				continue
			}
			checkSchema(m[k], f.Type, fieldPath(path, k), ps)
		}
	case reflect.Map:
		m, ok := v.(map[string]any)
		if !ok {
			ps.add(path, "expected an object, got %s", kindOf(v))
			return
		}
		for _, k := range sortedKeys(m) {
			checkSchema(m[k], t.Elem(), keyPath(path, k), ps)
		}
	case reflect.Slice:
		l, ok := v.([]any)
		if !ok {
			ps.add(path, "expected a list, got %s", kindOf(v))
			return
		}
		for i, e := range l {
			checkSchema(e, t.Elem(), indexPath(path, i), ps)
		}
	case reflect.String:
		if _, ok := v.(string); !ok {
			ps.add(path, "expected a string, got %s%s", kindOf(v), quoteHint(v))
		}
	case reflect.Int, reflect.Int64, reflect.Int32:
		n, ok := v.(json.Number)
		if !ok {
			ps.add(path, "expected an integer, got %s", kindOf(v))
			return
		}
		if _, err := strconv.ParseInt(string(n), 10, t.Bits()); err != nil {
			if strings.ContainsAny(string(n), ".eE") {
				ps.add(path, "expected an integer, got %s", n)
			} else {
				ps.add(path, "integer %s out of range", n)
			}
		}
	case reflect.Bool:
		if _, ok := v.(bool); !ok {
			ps.add(path, "expected true or false, got %s", kindOf(v))
		}
	default:
		ps.add(path, "field of unsupported type %s", t)
	}
}

// kindOf names the JSON kind of a generic value.
func kindOf(v any) string {
	switch v := v.(type) {
	case map[string]any:
		return "an object"
	case []any:
		return "a list"
	case string:
		return "a string"
	case json.Number:
		return "the number " + string(v)
	case bool:
		return "the boolean " + strconv.FormatBool(v)
	default:
		return "null"
	}
}

// quoteHint suggests quoting a scalar that YAML read as a number or boolean.
func quoteHint(v any) string {
	switch v.(type) {
	case json.Number, bool:
		return " (quote the value to make it a string)"
	}
	return ""
}

func unknownField(k string, fields map[string]reflect.StructField) string {
	for name := range fields {
		if strings.EqualFold(name, k) {
			return "unknown field (did you mean " + strconv.Quote(name) + "?)"
		}
	}
	return "unknown field"
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

var fieldCache sync.Map // reflect.Type -> map[string]reflect.StructField

// jsonFields maps the JSON names of t's exported fields to the fields.
func jsonFields(t reflect.Type) map[string]reflect.StructField {
	if f, ok := fieldCache.Load(t); ok {
		return f.(map[string]reflect.StructField)
	}
	fields := map[string]reflect.StructField{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		fields[name] = f
	}
	fieldCache.Store(t, fields)
	return fields
}
