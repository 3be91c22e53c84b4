package lua

import "unsafe"

// Redwing: a string made at run time (a reply of redis.call, a
// concatenation, an argument) used to cost two allocations: its bytes,
// then the string header an LValue interface points to. Up to 128 bytes,
// allocString makes one object that holds both, the header first, so the
// interface's data pointer is the object's address and the header's data
// pointer an interior pointer that keeps it alive. The bytes are written
// once, before the value is handed out, and never again.

// boxed is one allocation holding a string header and its bytes (A is a
// byte array type: the size class).
type boxed[A any] struct {
	s string
	b A
}

// newBoxed allocates a boxed string of n bytes, n at most the size of A.
func newBoxed[A any](n int) (*string, []byte) {
	p := new(boxed[A])
	return &p.s, unsafe.Slice((*byte)(unsafe.Pointer(&p.b)), n)
}

// eface is the layout of a non-empty interface value.
type eface struct {
	tab  unsafe.Pointer
	data unsafe.Pointer
}

var lstringTab = func() unsafe.Pointer {
	var v LValue = LString("x")
	return (*eface)(unsafe.Pointer(&v)).tab
}()

// allocString returns an LString value of n bytes and those bytes, which
// the caller fills before the value is used.
func allocString(n int) (LValue, []byte) {
	var hdr *string
	var buf []byte
	switch {
	case n == 0:
		return LString(""), nil
	case n <= 16:
		hdr, buf = newBoxed[[16]byte](n)
	case n <= 32:
		hdr, buf = newBoxed[[32]byte](n)
	case n <= 64:
		hdr, buf = newBoxed[[64]byte](n)
	case n <= 128:
		hdr, buf = newBoxed[[128]byte](n)
	default:
		buf = make([]byte, n)
		return LString(unsafe.String(&buf[0], n)), buf
	}
	*hdr = unsafe.String(&buf[0], n)
	var v LValue
	e := (*eface)(unsafe.Pointer(&v))
	e.tab, e.data = lstringTab, unsafe.Pointer(hdr)
	return v, buf
}

// StringValue returns a copy of b as an LString value, in one allocation
// up to 128 bytes.
func StringValue(b []byte) LValue {
	v, buf := allocString(len(b))
	copy(buf, b)
	return v
}
