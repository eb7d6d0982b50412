package d1

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strings"
)

// Row is one result row keyed by column name, as the binding returns it.
// Values are nil, int64, float64, string or []byte.
type Row map[string]any

// Int returns column col as an integer; ok is false when it is NULL, absent
// or not a whole number.
func (r Row) Int(col string) (int64, bool) {
	switch v := r[col].(type) {
	case int64:
		return v, true
	case float64:
		if v == math.Trunc(v) && math.Abs(v) <= 1<<53 {
			return int64(v), true
		}
	case json.Number:
		n, err := v.Int64()
		return n, err == nil
	}
	return 0, false
}

// String returns column col as a string; ok is false when it is not text.
func (r Row) String(col string) (string, bool) {
	s, ok := r[col].(string)
	return s, ok
}

// IsNull reports whether column col is NULL or absent.
func (r Row) IsNull(col string) bool { return r[col] == nil }

// Result is D1Result: the rows of one statement, success, and meta.
type Result struct {
	Results []Row `json:"results"`
	Success bool  `json:"success"`
	Meta    Meta  `json:"meta"`
	// Columns are the result's column names in the statement's order, when
	// the target knows them (the emulator does): a Row is a map and loses
	// the order, which the binding's raw() and ROWS_AND_COLUMNS keep.
	Columns []string `json:"-"`
}

// Meta is D1's result meta. ServedByRegion and ServedByPrimary are what a
// replication test cares about: who answered.
type Meta struct {
	ServedBy        string  `json:"served_by"`
	ServedByRegion  string  `json:"served_by_region,omitempty"`
	ServedByColo    string  `json:"served_by_colo,omitempty"`
	ServedByPrimary bool    `json:"served_by_primary"`
	Duration        float64 `json:"duration"` // milliseconds
	Changes         int64   `json:"changes"`
	LastRowID       int64   `json:"last_row_id"`
	ChangedDB       bool    `json:"changed_db"`
	SizeAfter       int64   `json:"size_after"`
	RowsRead        int64   `json:"rows_read"`
	RowsWritten     int64   `json:"rows_written"`
	Timings         Timings `json:"timings"`
	TotalAttempts   int     `json:"total_attempts,omitempty"`
}

// Timings is meta.timings.
type Timings struct {
	SQLDurationMs float64 `json:"sql_duration_ms"`
}

// NormalizeValue turns a value decoded from JSON (float64 for every number,
// []any for a BLOB's byte values) into the types a Row holds, so that rows
// from an HTTP target compare equal to rows from the embedded emulator:
// whole numbers become int64, arrays of bytes become []byte.
func NormalizeValue(v any) any {
	switch x := v.(type) {
	case float64:
		if x == math.Trunc(x) && math.Abs(x) <= 1<<53 {
			return int64(x)
		}
		return x
	case json.Number:
		if n, err := x.Int64(); err == nil {
			return n
		}
		f, _ := x.Float64()
		return f
	case []any:
		b := make([]byte, len(x))
		for i, e := range x {
			n, ok := NormalizeValue(e).(int64)
			if !ok || n < 0 || n > 255 {
				return x
			}
			b[i] = byte(n)
		}
		return b
	}
	return v
}

// NormalizeRow applies NormalizeValue to every column.
func NormalizeRow(r Row) Row {
	for k, v := range r {
		r[k] = NormalizeValue(v)
	}
	return r
}

// bindValue converts a Go value the way the binding converts a JavaScript
// one: booleans become 1 and 0; integers, floats, strings, byte slices and
// nil pass; anything else is D1_TYPE_ERROR (the binding refuses undefined
// and objects it cannot bind).
func bindValue(v any) (any, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case bool:
		if x {
			return int64(1), nil
		}
		return int64(0), nil
	case int:
		return int64(x), nil
	case int8:
		return int64(x), nil
	case int16:
		return int64(x), nil
	case int32:
		return int64(x), nil
	case int64:
		return x, nil
	case uint8:
		return int64(x), nil
	case uint16:
		return int64(x), nil
	case uint32:
		return int64(x), nil
	case uint:
		if uint64(x) > math.MaxInt64 {
			return nil, typeError(v)
		}
		return int64(x), nil
	case uint64:
		if x > math.MaxInt64 {
			return nil, typeError(v)
		}
		return int64(x), nil
	case float32:
		return float64(x), nil
	case float64:
		return x, nil
	case string:
		return x, nil
	case []byte:
		return x, nil
	}
	if b, ok := byteArray(v); ok {
		return b, nil // an array of byte values, as the binding accepts one
	}
	return nil, typeError(v)
}

// typeError is the binding's D1_TYPE_ERROR for v, in JavaScript's words:
// typeof v and String(v), as if v had crossed into JavaScript (a map or a
// struct is an object, "[object Object]"; a slice an array, its elements
// joined by commas; an integer beyond int64 a bigint).
func typeError(v any) error {
	typ, val := jsTypeOf(v)
	return &Error{Message: fmt.Sprintf("D1_TYPE_ERROR: Type '%s' not supported for value '%s'", typ, val), Kind: KindType}
}

func jsTypeOf(v any) (typ, val string) {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Uint, reflect.Uint64:
		return "bigint", fmt.Sprint(v)
	case reflect.Func:
		return "function", "function"
	case reflect.Slice, reflect.Array:
		parts := make([]string, rv.Len())
		for i := range parts {
			e := rv.Index(i).Interface()
			if _, s := jsTypeOf(e); e != nil {
				parts[i] = s
			}
		}
		return "object", strings.Join(parts, ",")
	case reflect.Bool:
		return "boolean", fmt.Sprint(v)
	case reflect.String:
		return "string", rv.String()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Float32, reflect.Float64:
		return "number", fmt.Sprint(v)
	}
	return "object", "[object Object]"
}

// byteArray converts a slice whose every element is a whole number from 0
// to 255 into bytes; ok is false for anything else.
func byteArray(v any) ([]byte, bool) {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array {
		return nil, false
	}
	b := make([]byte, rv.Len())
	for i := range b {
		e := rv.Index(i)
		for e.Kind() == reflect.Interface && !e.IsNil() {
			e = e.Elem()
		}
		var n float64
		switch e.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			n = float64(e.Int())
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			n = float64(e.Uint())
		case reflect.Float32, reflect.Float64:
			n = e.Float()
		default:
			return nil, false
		}
		if n < 0 || n >= 256 || n != math.Trunc(n) {
			return nil, false
		}
		b[i] = byte(n)
	}
	return b, true
}
