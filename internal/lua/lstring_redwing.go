package lua

import "unsafe"

// Redwing: a string made at run time (a reply of redis.call, a
// concatenation, an argument) used to cost two allocations: its bytes,
// then the string header an LValue interface points to. Up to 128 bytes,
// allocString makes one object that holds both, the header first, so the
// interface's data pointer is the object's address and the header's data
// pointer an interior pointer that keeps it alive. The bytes are written
// once, before the value is handed out, and never again.

type (
	boxed16 struct {
		s string
		b [16]byte
	}
	boxed32 struct {
		s string
		b [32]byte
	}
	boxed64 struct {
		s string
		b [64]byte
	}
	boxed128 struct {
		s string
		b [128]byte
	}
)

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
		p := new(boxed16)
		hdr, buf = &p.s, p.b[:n]
	case n <= 32:
		p := new(boxed32)
		hdr, buf = &p.s, p.b[:n]
	case n <= 64:
		p := new(boxed64)
		hdr, buf = &p.s, p.b[:n]
	case n <= 128:
		p := new(boxed128)
		hdr, buf = &p.s, p.b[:n]
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
