package main

import "unsafe"

// The gctrace and pacer lines are matched by hand, without allocating:
// the reader must never wait for the GC.  Under a memory limit that the
// runtime's own memory already fills, Go runs cycles back to back, and a
// reader that allocates waits a whole cycle in gcStart at each allocation
// that triggers one, while each cycle writes ~4 lines; it falls behind
// until the pipe is full, and the next cycle's mark termination, writing
// its line with the world stopped, never returns.  Each matcher accepts
// exactly what its regular expression in gctrace_test.go accepts (a test
// compares them), and fills m as FindStringSubmatch would: m[0] the match,
// m[i] group i, "" for a group that did not take part.  The strings alias
// the line's bytes: valid while those are.
//
//	gc:    ^gc (\d+) @([0-9.]+)s \d+%[^:]*: ([0-9.]+)\+([0-9.]+)\+([0-9.]+) ms clock,
//	       ([0-9.]+)\+([0-9.]+)/([0-9.]+)/([0-9.]+)\+([0-9.]+) ms cpu,
//	       (\d+)->(\d+)->(\d+) MB, (\d+) MB goal, .* (\d+) P( \(forced\))?
//	pacer: ^pacer: \d+% CPU \(\d+ exp\.\) for (\d+)\+(\d+)\+(\d+) B work \(\d+ B exp\.\)
//	       in (\d+) B -> (\d+) B \(∆goal (-?\d+), cons/mark ([-+0-9.e]+|NaN|[+-]Inf)\)

// cursor walks a line; every step returns false, leaving i anywhere, on
// a mismatch.
type cursor struct {
	b []byte
	i int
}

func (c *cursor) lit(s string) bool {
	if len(c.b)-c.i < len(s) || string(c.b[c.i:c.i+len(s)]) != s {
		return false
	}
	c.i += len(s)
	return true
}

// run takes the longest non-empty run of bytes in the class.
func (c *cursor) run(in func(byte) bool, out *string) bool {
	j := c.i
	for j < len(c.b) && in(c.b[j]) {
		j++
	}
	if j == c.i {
		return false
	}
	*out = view(c.b[c.i:j])
	c.i = j
	return true
}

func isDigit(b byte) bool                 { return b >= '0' && b <= '9' }
func isDecimal(b byte) bool               { return isDigit(b) || b == '.' }
func isFloat(b byte) bool                 { return isDecimal(b) || b == '-' || b == '+' || b == 'e' }
func isNotColon(b byte) bool              { return b != ':' }
func view(b []byte) string                { return unsafe.String(unsafe.SliceData(b), len(b)) }
func (c *cursor) digits(out *string) bool { return c.run(isDigit, out) }

// Greedy runs are exact here: in both expressions each run is followed by
// a byte outside its class, so no shorter run could match instead.
func matchGCTrace(b []byte, m *[17]string) bool {
	*m = [17]string{}
	c := cursor{b: b}
	var skip string
	ok := c.lit("gc ") && c.digits(&m[1]) && c.lit(" @") && c.run(isDecimal, &m[2]) && c.lit("s ") &&
		c.digits(&skip) && c.lit("%")
	if !ok {
		return false
	}
	c.run(isNotColon, &skip) // [^:]*, possibly empty
	ok = c.lit(": ") && c.run(isDecimal, &m[3]) && c.lit("+") && c.run(isDecimal, &m[4]) && c.lit("+") &&
		c.run(isDecimal, &m[5]) && c.lit(" ms clock, ") &&
		c.run(isDecimal, &m[6]) && c.lit("+") && c.run(isDecimal, &m[7]) && c.lit("/") &&
		c.run(isDecimal, &m[8]) && c.lit("/") && c.run(isDecimal, &m[9]) && c.lit("+") &&
		c.run(isDecimal, &m[10]) && c.lit(" ms cpu, ") &&
		c.digits(&m[11]) && c.lit("->") && c.digits(&m[12]) && c.lit("->") && c.digits(&m[13]) &&
		c.lit(" MB, ") && c.digits(&m[14]) && c.lit(" MB goal, ")
	if !ok {
		return false
	}
	// .* (\d+) P( \(forced\))?: the greedy .* takes the last " N P".
	rest := c.i
	for j := len(b) - 2; j >= rest; j-- {
		if b[j] != ' ' || b[j+1] != 'P' {
			continue
		}
		k := j
		for k > rest && isDigit(b[k-1]) {
			k--
		}
		if k == j || k == rest || b[k-1] != ' ' {
			continue // no digits, or nothing before them for the space
		}
		m[15] = view(b[k:j])
		end := j + 2
		if f := " (forced)"; len(b)-end >= len(f) && string(b[end:end+len(f)]) == f {
			m[16] = view(b[end : end+len(f)])
			end += len(f)
		}
		m[0] = view(b[:end])
		return true
	}
	return false
}

func matchPacer(b []byte, m *[8]string) bool {
	*m = [8]string{}
	c := cursor{b: b}
	var skip string
	ok := c.lit("pacer: ") && c.digits(&skip) && c.lit("% CPU (") && c.digits(&skip) && c.lit(" exp.) for ") &&
		c.digits(&m[1]) && c.lit("+") && c.digits(&m[2]) && c.lit("+") && c.digits(&m[3]) &&
		c.lit(" B work (") && c.digits(&skip) && c.lit(" B exp.) in ") &&
		c.digits(&m[4]) && c.lit(" B -> ") && c.digits(&m[5]) && c.lit(" B (∆goal ")
	if !ok {
		return false
	}
	neg := c.i
	c.lit("-")
	if !c.digits(&skip) {
		return false
	}
	m[6] = view(b[neg:c.i])
	if !c.lit(", cons/mark ") {
		return false
	}
	// ([-+0-9.e]+|NaN|[+-]Inf)\): the first alternative when it is followed
	// by ")", else the others.
	at := c.i
	if c.run(isFloat, &m[7]) && c.lit(")") {
		m[0] = view(b[:c.i])
		return true
	}
	for _, alt := range []string{"NaN", "+Inf", "-Inf"} {
		c.i = at
		if c.lit(alt) && c.lit(")") {
			m[7] = view(b[at : at+len(alt)])
			m[0] = view(b[:c.i])
			return true
		}
	}
	return false
}
