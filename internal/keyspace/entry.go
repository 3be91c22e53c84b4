package keyspace

import "unsafe"

// Entry is one key's value and metadata, 32 bytes with one pointer (which
// the collector does not see in a stored entry: table.go's chunks are not
// scanned, and pin keeps what the pointer leads to alive).
//
// An entry stored in a shard owns its key. A string entry's key and value
// sit together, most often in a record of the shard's arena (arena.go:
// pages of bytes shared by many keys), otherwise (large values, values
// regrown by in-place edits) in one allocation of their own; an object
// entry points at an objBox holding the value and the key. With no heap
// object of its own per small string, a collection marks a few thousand
// pages instead of millions of objects.
//
// An Entry built by StrEntry, ObjEntry and friends is detached: it has no
// key until DB.Set copies it into a shard. The key bytes of a stored
// entry are never written again, so key strings handed out by iteration
// (aliasing them) stay valid for as long as they are referenced.
type Entry struct {
	p      unsafe.Pointer // string: key bytes then value (in the arena or not); object: *objBox
	klen   uint32         // key length plus the flag bits below
	vlen   uint32         // string value length; boxed object: its accounted cost (memory.go)
	vcap   uint32         // string value capacity; for objects, boxDetached or 0
	Access uint32         // LRU clock or LFU word, for OBJECT IDLETIME/FREQ (access.go)
	Expire int64          // Unix ms; 0 means no TTL
}

const (
	flagObj   = 1 << 31   // the entry holds an object (p is an *objBox, unless packed)
	flagRaw   = 1 << 30   // string modified in place (APPEND/SETRANGE): encoding "raw"
	flagPack  = flagRaw   // with flagObj: a packed object (Packer), bytes next to the key
	flagArena = 1 << 29   // the string's record is in its shard's arena
	klenMask  = 1<<29 - 1 // keys up to 512 MB - 1

	boxDetached = 1 // vcap of an object entry whose box has no key yet
	boxInline   = 2 // vcap of an object entry whose key is in an inlineBox
)

// Packer is an object that can be stored as bytes next to its key, as a
// small string is (a small hash as its listpack): no box, no header, and in
// the shard's arena when small, so that millions of small collections cost
// the garbage collector nothing. Obj returns a view made by the function
// registered with SetUnpacker; a command that changes the view stores it
// back with DB.Store.
type Packer interface {
	// PackedLen returns the length of the packed form, or -1 when the
	// object is not to be packed (as it is now).
	PackedLen() int
	// PackTo writes the packed form to dst, PackedLen bytes; dst may be
	// the bytes the object is a view of.
	PackTo(dst []byte)
}

// unpack turns packed bytes back into an object (SetUnpacker).
var unpack func(b []byte) Object

// SetUnpacker registers the function that makes an object of packed bytes
// (a view: it may alias b, whose capacity is its length). Objects are
// stored packed only once it is set.
func SetUnpacker(f func(b []byte) Object) { unpack = f }

// packed reports whether e holds a packed object.
func (e *Entry) packed() bool { return e.klen&(flagObj|flagPack) == flagObj|flagPack }

// packable returns the packed length of o, or -1.
func packable(o Object) int {
	if unpack == nil {
		return -1
	}
	if p, ok := o.(Packer); ok {
		return p.PackedLen()
	}
	return -1
}

// value returns the bytes after the key: a string's value or a packed
// object, with the value's capacity.
func (e *Entry) value() []byte {
	k := e.klen & klenMask
	return unsafe.Slice((*byte)(unsafe.Add(e.p, k)), e.vcap)[:e.vlen]
}

// free reports whether e is an unused slot of its table.
func (e *Entry) free() bool { return e.p == nil }

// objBox holds a non-string value and its key.
type objBox struct {
	obj Object
	key string
}

// inlineBox is an objBox for a key of up to 16 bytes, held in the box
// itself: one 32-byte allocation instead of a box and a key. It starts
// with the same field as objBox, which Obj reads through either.
type inlineBox struct {
	obj Object
	key [16]byte
}

// newBox returns a box holding o under key and the vcap that tells its kind.
func newBox(o Object, key []byte) (unsafe.Pointer, uint32) {
	if len(key) <= len(inlineBox{}.key) {
		b := &inlineBox{obj: o}
		copy(b.key[:], key)
		return unsafe.Pointer(b), boxInline
	}
	return unsafe.Pointer(&objBox{obj: o, key: string(key)}), 0
}

// StrEntry returns a detached entry holding the string value b. Set copies
// the value, so b may alias a request buffer.
func StrEntry(b []byte) Entry {
	var e Entry
	e.SetStr(b)
	return e
}

// RawStrEntry returns an entry holding b, encoded "raw" (edited in place).
func RawStrEntry(b []byte) Entry {
	e := StrEntry(b)
	e.klen |= flagRaw
	return e
}

// StrEntryTTL returns an entry holding b that expires at expire (Unix ms).
func StrEntryTTL(b []byte, expire int64) Entry {
	e := StrEntry(b)
	e.Expire = expire
	return e
}

// ObjEntry returns a detached entry holding o.
func ObjEntry(o Object) Entry {
	return Entry{p: unsafe.Pointer(&objBox{obj: o}), klen: flagObj, vcap: boxDetached, vlen: costUnits(objectCost(o))}
}

// Obj returns the non-string value, nil for a string. For a packed object
// it is a new view of the entry's bytes, valid until the key changes.
func (e *Entry) Obj() Object {
	if e.klen&flagObj == 0 {
		return nil
	}
	if e.klen&flagPack != 0 {
		v := e.value()
		return unpack(v[:len(v):len(v)])
	}
	return (*objBox)(e.p).obj
}

// SetObj replaces the value of a detached entry with o (in a new box:
// copies of the entry keep the old value). A stored entry's value is
// replaced with DB.Store.
func (e *Entry) SetObj(o Object) {
	e.mustBeDetached("SetObj", "Store")
	access, expire := e.Access, e.Expire
	*e = ObjEntry(o)
	e.Access, e.Expire = access, expire
}

// Str returns the string value (nil for other types). Its capacity is the
// value's own: in-place edits may append within it, then call SetStr with
// the result.
func (e *Entry) Str() []byte {
	if e.klen&flagObj != 0 || e.p == nil {
		return nil
	}
	return e.value()
}

// SetStr stores b as the value of a detached entry (nil as ""): the entry
// adopts b, or records it in place when b extends or shortens its value
// within its room. A stored entry's value is set with DB.SetStr.
func (e *Entry) SetStr(b []byte) {
	if e.setInPlace(b) {
		return
	}
	e.mustBeDetached("SetStr", "SetStr")
	if cap(b) == 0 {
		b = emptyStr[:0]
	}
	e.p = unsafe.Pointer(unsafe.SliceData(b))
	e.klen &= flagRaw
	e.vlen = uint32(len(b))
	e.vcap = uint32(min(uint64(cap(b)), 1<<32-1))
}

// mustBeDetached panics when e is stored under a key: pointing it at a
// new allocation without its table would hide that allocation from the
// collector (table.pin). The engine turns a handler's panic into an error
// reply; tests see it at once.
func (e *Entry) mustBeDetached(method, instead string) {
	if e.klen&(klenMask|flagArena) != 0 {
		panic("keyspace: Entry." + method + " on a stored entry (use DB." + instead + ")")
	}
}

// setInPlace records b as e's string value when b is that value extended
// or shortened within its room (appended to within Str's capacity).
func (e *Entry) setInPlace(b []byte) bool {
	if e.klen&flagObj != 0 || e.p == nil || cap(b) > int(e.vcap) ||
		unsafe.Pointer(unsafe.SliceData(b)) != unsafe.Add(e.p, e.klen&klenMask) {
		return false
	}
	e.vlen = uint32(len(b))
	return true
}

// setKeyValue points e at a new allocation holding key then value, with
// room for a value of valCap bytes (at least; the allocator's size class
// is used in full).
func (e *Entry) setKeyValue(key, value []byte, valCap int) {
	n := len(key) + max(valCap, len(value))
	buf := make([]byte, n, max(allocSize(n), 1))
	copy(buf, key)
	copy(buf[len(key):], value)
	e.p = unsafe.Pointer(unsafe.SliceData(buf))
	e.klen = uint32(len(key))
	e.vlen = uint32(len(value))
	e.vcap = uint32(min(uint64(cap(buf)-len(key)), 1<<32-1))
}

// emptyStr backs empty non-nil values ("" differs from no value).
var emptyStr = make([]byte, 1)

// Raw reports whether the string was modified in place (OBJECT ENCODING raw).
func (e *Entry) Raw() bool { return e.klen&flagRaw != 0 }

// SetRaw marks the string as modified in place, or not.
func (e *Entry) SetRaw(raw bool) {
	if raw {
		e.klen |= flagRaw
	} else {
		e.klen &^= flagRaw
	}
}

// Type returns the Redis type name of the entry.
func (e *Entry) Type() string {
	if o := e.Obj(); o != nil {
		return o.Type()
	}
	return "string"
}

// key returns a stored entry's key ("" for a detached one). The string
// aliases the entry's key bytes, which are immutable.
func (e *Entry) key() string {
	if e.klen&(flagObj|flagPack) == flagObj {
		switch e.vcap {
		case boxDetached:
			return ""
		case boxInline:
			return unsafe.String(&(*inlineBox)(e.p).key[0], e.klen&klenMask)
		}
		return (*objBox)(e.p).key
	}
	if e.p == nil {
		return ""
	}
	return unsafe.String((*byte)(e.p), e.klen&klenMask)
}

// bind returns v as stored under key: a string value is copied next to
// the key (in arena a when the record is small enough and a is not nil),
// and so is a packed object or one that packs; any other object gets a box
// holding the key (a detached box is adopted).
func bind(a *arena, key []byte, v *Entry) Entry {
	if v.packed() {
		out := record(a, key, v.value(), len(v.value()))
		out.klen |= flagObj | flagPack
		out.Access, out.Expire = v.Access, v.Expire
		return out
	}
	if v.klen&flagObj != 0 {
		b := (*objBox)(v.p) // or an inlineBox: obj only is read
		if n := packable(b.obj); n >= 0 {
			return bindPacked(a, key, b.obj, n, v.Access, v.Expire)
		}
		out := Entry{Access: v.Access, Expire: v.Expire, vlen: v.vlen}
		if v.vcap == boxDetached && len(key) > len(inlineBox{}.key) {
			b.key = string(key)
			// The caller's copy still says detached; binding the same
			// detached entry twice would share the box, which no caller does.
			out.p = v.p
		} else {
			out.p, out.vcap = newBox(b.obj, key)
		}
		out.klen = uint32(len(key)) | flagObj
		return out
	}
	val := v.Str()
	vc := len(val)
	if v.klen&flagRaw != 0 {
		vc = int(v.vcap) // edited in place: keep the room it was given
	}
	out := record(a, key, val, vc)
	out.klen |= v.klen & flagRaw
	out.Access, out.Expire = v.Access, v.Expire
	return out
}

// bindPacked returns o packed (n bytes) under key.
func bindPacked(a *arena, key []byte, o Object, n int, access uint32, expire int64) Entry {
	out := record(a, key, nil, n)
	out.vlen = uint32(n)
	o.(Packer).PackTo(out.value())
	out.klen |= flagObj | flagPack
	out.Access, out.Expire = access, expire
	return out
}

// record returns an entry holding key then val with room for vc value
// bytes: in arena a when small enough (and a is not nil), else in an
// allocation of its own.
func record(a *arena, key, val []byte, vc int) Entry {
	var out Entry
	if n := len(key) + vc; a != nil && n <= arenaMaxRecord {
		size := align8(n)
		rec := a.alloc(size)
		copy(rec, key)
		copy(rec[len(key):], val)
		out.p = unsafe.Pointer(unsafe.SliceData(rec))
		out.klen = uint32(len(key)) | flagArena
		out.vlen = uint32(len(val))
		out.vcap = uint32(size - len(key))
	} else {
		out.setKeyValue(key, val, vc)
	}
	return out
}
