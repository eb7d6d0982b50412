package history

import (
	"encoding/json"
	"io"
	"runtime"
	"sync"
)

// Decoding a line's JSON is most of the cost of reading a long history, and
// lines are independent, so the reader decodes them on every core: one
// goroutine cuts the file into batches of lines, workers decode batches,
// and the caller's goroutine takes the batches back in file order, so
// validation, the callback and every error stay exactly as if the file
// were read line by line.

const batchLines = 512

// parsed is one line after decoding.
type parsed struct {
	event Event
	err   error
	// cut marks the file's last line, cut off mid-line: it ends the scan.
	cut bool
}

// batch is consecutive lines of the file, decoded by one worker.
type batch struct {
	first int    // the first line's number
	blob  []byte // the lines, back to back
	ends  []int  // where each line ends in blob
	// unterminated is true when the last line had no newline: the file's
	// end, perhaps cut off mid-line.
	unterminated bool
	out          []parsed
	err          error // a read error after the batch's lines
	done         chan struct{}
}

// decodeLines reads lines (after the header) from lr and yields their
// decoded events in order. It owns its goroutines: they have all returned
// when it does, also when yield stops early.
func decodeLines(lr *lineReader, firstLine int, yield func(line int, p *parsed) bool) error {
	workers := max(1, runtime.GOMAXPROCS(0))
	todo := make(chan *batch, workers)
	inOrder := make(chan *batch, 2*workers)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // the cutter
		defer wg.Done()
		defer close(todo)
		defer close(inOrder)
		n := firstLine
		size := 64 << 10 // the last batch's bytes, to size the next
		for {
			b := &batch{first: n, done: make(chan struct{}), blob: make([]byte, 0, size+size/8), ends: make([]int, 0, batchLines)}
			for len(b.ends) < batchLines {
				line, complete, err := lr.next()
				if err == io.EOF {
					break
				}
				if err != nil {
					b.err = err
					break
				}
				b.unterminated = !complete
				b.blob = append(b.blob, line...)
				b.ends = append(b.ends, len(b.blob))
				n++
			}
			if len(b.ends) == 0 && b.err == nil {
				return
			}
			size = len(b.blob)
			select {
			case inOrder <- b:
			case <-stop:
				return
			}
			select {
			case todo <- b:
			case <-stop:
				return
			}
			if b.err != nil || len(b.ends) < batchLines {
				return
			}
		}
	}()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			strs := newInterner()
			for b := range todo {
				b.out = make([]parsed, len(b.ends))
				start := 0
				for i, end := range b.ends {
					b.out[i] = parseLine(b.blob[start:end], b.unterminated && i == len(b.ends)-1, strs)
					start = end
				}
				b.blob = nil
				close(b.done)
			}
		}()
	}
	defer wg.Wait()
	defer close(stop)
	for b := range inOrder {
		select {
		case <-b.done:
		case <-stop:
		}
		for i := range b.out {
			if !yield(b.first+i, &b.out[i]) {
				return nil
			}
		}
		if b.err != nil {
			return &lineError{line: b.first + len(b.out), err: b.err}
		}
	}
	return nil
}

// parseLine decodes one event line.
func parseLine(line []byte, unterminated bool, strs *interner) parsed {
	if e, ok := fastEvent(line, strs); ok {
		return parsed{event: e}
	}
	if unterminated && !json.Valid(line) {
		// A run killed mid-write: every earlier line is whole.
		return parsed{cut: true}
	}
	e, err := parseEvent(line)
	return parsed{event: e, err: err}
}

// lineError is a read error at a line.
type lineError struct {
	line int
	err  error
}

func (e *lineError) Error() string { return e.err.Error() }
