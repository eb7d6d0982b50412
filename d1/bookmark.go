package d1

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// Session constraints: the only two strings withSession() treats as
// constraints, exactly, case-sensitively, after trimming.
const (
	FirstPrimary       = "first-primary"
	FirstUnconstrained = "first-unconstrained"
)

// Regions are D1's replica regions; every region has a replica, the
// primary's included.
var Regions = []string{"ENAM", "WNAM", "WEUR", "EEUR", "APAC", "OC"}

// ValidRegion reports whether r is one of Regions.
func ValidRegion(r string) bool {
	for _, x := range Regions {
		if x == r {
			return true
		}
	}
	return false
}

// Bookmark is a parsed D1 bookmark:
// XXXXXXXX-XXXXXXXX-XXXXXXXX-XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX, lowercase
// hex. Sorting bookmarks as strings orders them oldest to newest.
//
// Cloudflare does not document the fields. Local workerd counts its position
// in the second field; the emulator does the same (see NewBookmark), and
// reads a bookmark's position as the first two fields together.
type Bookmark struct {
	Fields [3]uint32
	Tail   string // the 32-hex-digit suffix
}

// ParseBookmark parses s strictly. An error means s is not a well-formed
// bookmark; the binding still sends such a string as is.
func ParseBookmark(s string) (Bookmark, error) {
	var b Bookmark
	if !wellFormed(s) {
		return b, fmt.Errorf("bookmark %q: want XXXXXXXX-XXXXXXXX-XXXXXXXX-X{32} (lowercase hex)", s)
	}
	// Fixed widths: fields at 0, 9 and 18, the tail at 27. Slicing, not
	// splitting, because the checker parses millions of bookmarks.
	for i := range b.Fields {
		n, _ := strconv.ParseUint(s[9*i:9*i+8], 16, 32)
		b.Fields[i] = uint32(n)
	}
	b.Tail = s[27:]
	return b, nil
}

// Position is the commit position the emulator encodes in a bookmark.
func (b Bookmark) Position() uint64 { return uint64(b.Fields[0])<<32 | uint64(b.Fields[1]) }

// String formats b in D1's form.
func (b Bookmark) String() string {
	tail := b.Tail
	if tail == "" {
		tail = strings.Repeat("0", 32)
	}
	return fmt.Sprintf("%08x-%08x-%08x-%s", b.Fields[0], b.Fields[1], b.Fields[2], tail)
}

// NewBookmark returns the bookmark for commit position pos in local
// workerd's form, e.g. position 18 is
// 00000000-00000012-00000000-00000000000000000000000000000000.
func NewBookmark(pos uint64) string {
	return Bookmark{Fields: [3]uint32{uint32(pos >> 32), uint32(pos), 0}}.String()
}

// CompareBookmarks orders two bookmark strings the way the binding does,
// with JavaScript's String.prototype.localeCompare. For two well-formed
// bookmarks that is plain string order. For anything else it approximates
// ICU's root collation, which is what makes a garbage "bookmark" such as a
// misspelt constraint stick: "first_unconditional" sorts after every real
// bookmark (letters after digits), so a session started from it never
// replaces it. The approximation: compare case-insensitively with
// punctuation before digits before letters, then lowercase before uppercase.
func CompareBookmarks(a, b string) int {
	if a == b {
		return 0
	}
	if wellFormed(a) && wellFormed(b) {
		return strings.Compare(a, b) // fixed-width lowercase hex: collation agrees
	}
	ra, rb := []rune(a), []rune(b)
	for i := 0; i < len(ra) && i < len(rb); i++ {
		if c := collationKey(ra[i]) - collationKey(rb[i]); c != 0 {
			return sign(c)
		}
	}
	if len(ra) != len(rb) {
		return sign(len(ra) - len(rb))
	}
	// Tertiary difference: lowercase sorts before uppercase in ICU.
	for i := range ra {
		if ra[i] != rb[i] {
			if unicode.IsLower(ra[i]) && unicode.IsUpper(rb[i]) {
				return -1
			}
			if unicode.IsUpper(ra[i]) && unicode.IsLower(rb[i]) {
				return 1
			}
			return sign(int(ra[i]) - int(rb[i]))
		}
	}
	return 0
}

// wellFormed is ParseBookmark's test without allocating: checks compare
// millions of bookmarks.
func wellFormed(s string) bool {
	if len(s) != 59 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 17, 26:
			if c != '-' {
				return false
			}
		default:
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
				return false
			}
		}
	}
	return true
}

func collationKey(r rune) int {
	switch {
	case unicode.IsSpace(r):
		return int(r)
	case unicode.IsDigit(r):
		return 0x10000 + int(r)
	case unicode.IsLetter(r):
		return 0x20000 + int(unicode.ToLower(r))
	default: // punctuation and symbols
		return 0x100 + int(r)
	}
}

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}
