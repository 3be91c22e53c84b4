package rdb

// CRC-64/Jones as Redis computes it (reflected polynomial
// 0xad93d23594c935a9, initial value 0, no final xor), used for the RDB file
// checksum and DUMP payload footers. Slicing-by-8 keeps whole-file
// checksums cheap.

var crcTables = func() (t [8][256]uint64) {
	const rev = 0x95ac9329ac4bc9b5 // bit-reversed 0xad93d23594c935a9
	for i := range t[0] {
		c := uint64(i)
		for j := 0; j < 8; j++ {
			if c&1 != 0 {
				c = c>>1 ^ rev
			} else {
				c >>= 1
			}
		}
		t[0][i] = c
	}
	for i := 0; i < 256; i++ {
		c := t[0][i]
		for k := 1; k < 8; k++ {
			c = t[0][byte(c)] ^ c>>8
			t[k][i] = c
		}
	}
	return
}()

// CRC64 extends crc with b.
func CRC64(crc uint64, b []byte) uint64 {
	t := &crcTables
	for len(b) >= 8 {
		crc ^= uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
			uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
		crc = t[7][byte(crc)] ^ t[6][byte(crc>>8)] ^ t[5][byte(crc>>16)] ^ t[4][byte(crc>>24)] ^
			t[3][byte(crc>>32)] ^ t[2][byte(crc>>40)] ^ t[1][byte(crc>>48)] ^ t[0][byte(crc>>56)]
		b = b[8:]
	}
	for _, x := range b {
		crc = t[0][byte(crc)^x] ^ crc>>8
	}
	return crc
}
