package worker

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/d1check/d1check/driverproto"
)

// The messages in this file say what to check, because the person who reads
// them is setting up a run: the CLI prints them and exits 255.

// reachErr explains a request that got no answer.
func reachErr(err error) error {
	var ne net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout():
		return fmt.Errorf("no answer in time (%w); the request may or may not have run", err)
	case errors.Is(err, context.Canceled):
		return err
	}
	return fmt.Errorf("cannot reach the driver: %w (is `wrangler dev` or `d1check emulate` running at this address?)", err)
}

// errSecret explains a 401 or 403.
func errSecret(status int, raw []byte) error {
	return fmt.Errorf("the driver refused the request (HTTP %d %s): check that the secret (%s) matches the driver's D1CHECK_SECRET%s",
		status, http.StatusText(status), driverproto.HeaderSecret, quoteBody(raw))
}

// notDriverErr explains an answer that is not the driver protocol.
func notDriverErr(base string, status int, raw []byte, cause error) error {
	why := ""
	if cause != nil {
		why = " (" + cause.Error() + ")"
	}
	return fmt.Errorf("%s answered HTTP %d %s that is not d1check's driver protocol%s: is this a d1check driver? Check the URL (the Worker in worker/ or `d1check emulate`)%s",
		base, status, http.StatusText(status), why, quoteBody(raw))
}

// quoteBody shows the start of an unexpected answer.
func quoteBody(raw []byte) string {
	s := strings.TrimSpace(string(raw))
	if s == "" {
		return ""
	}
	const max = 200
	if len(s) > max {
		s = s[:max]
		for !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
		s += "…"
	}
	return fmt.Sprintf("; it said: %q", s)
}
