package server

import (
	"testing"

	"github.com/d1check/d1check/d1"
	"github.com/d1check/d1check/emulator"
)

// BenchmarkQuery is one session read by key, embedded and over HTTP: the
// cost the driver protocol adds.
func BenchmarkQuery(b *testing.B) {
	f := newFixture(b, emulator.Config{}, Options{})
	run(b, f.db(b, ""), "CREATE TABLE kv (k INTEGER PRIMARY KEY, v TEXT)")
	run(b, f.db(b, ""), "INSERT INTO kv VALUES (1, 'one')")
	f.waitReplicated(b)
	for name, db := range map[string]*d1.Database{"embedded": f.embedded(b, "WEUR"), "http": f.db(b, "WEUR")} {
		b.Run(name, func(b *testing.B) {
			s := db.WithSession("")
			st := s.Prepare("SELECT v FROM kv WHERE k = ?")
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, err := st.Bind(1).First(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
