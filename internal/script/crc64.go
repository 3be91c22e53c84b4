package script

// crc64 is Redis's CRC-64/Jones (reflected, poly 0xad93d23594c935a9, no
// final xor), used by DUMP/RESTORE payload footers.
var crc64Table = func() (t [256]uint64) {
	const rev = 0x95ac9329ac4bc9b5 // bit-reversed 0xad93d23594c935a9
	for i := range t {
		c := uint64(i)
		for j := 0; j < 8; j++ {
			if c&1 != 0 {
				c = c>>1 ^ rev
			} else {
				c >>= 1
			}
		}
		t[i] = c
	}
	return
}()

func crc64(crc uint64, b []byte) uint64 {
	for _, x := range b {
		crc = crc64Table[byte(crc)^x] ^ crc>>8
	}
	return crc
}
