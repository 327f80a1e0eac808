package ballot

import (
	"reflect"
	"strings"
	"sync"
)

// The strict readers of definitions and records compare what they read
// with the Go types it decodes into; both ask this for a struct's members.

// jsonMembers returns the JSON member names of a struct type and their
// types, following embedded structs as encoding/json does.
func jsonMembers(t reflect.Type) map[string]reflect.Type {
	if m, ok := memberCache.Load(t); ok {
		return m.(map[string]reflect.Type)
	}
	m := readMembers(t)
	memberCache.Store(t, m)
	return m
}

var memberCache sync.Map // reflect.Type -> map[string]reflect.Type

func readMembers(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" || (!f.IsExported() && !f.Anonymous) {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			for n, ft := range readMembers(f.Type) {
				out[n] = ft
			}
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = f.Type
	}
	return out
}
