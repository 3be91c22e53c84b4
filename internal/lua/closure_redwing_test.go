package lua

import (
	"fmt"
	"testing"
)

// runGenerations runs src once per argument, each run in a new closure
// generation when reuse is set, and returns what each run returned (or
// its error) as text. With handler, errors go through a message handler,
// as the script layer runs them (upvalues then stay open after an error).
func runGenerations(t *testing.T, src string, args []int, reuse, handler bool) []string {
	t.Helper()
	L := NewState()
	defer L.Close()
	fn, err := L.LoadString(src)
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	var out []string
	for _, a := range args {
		if reuse {
			L.NewClosureGeneration()
		}
		L.SetGlobal("ARG", LNumber(a))
		L.Push(fn)
		var errfn *LFunction
		if handler {
			errfn = L.NewFunction(func(L *LState) int { L.Push(LString("handled")); return 1 })
		}
		if err := L.PCall(0, 1, errfn); err != nil {
			out = append(out, "error: "+err.Error())
			continue
		}
		out = append(out, L.Get(-1).String())
		L.Pop(1)
	}
	return out
}

// TestClosureReuseMatchesFreshClosures runs scripts whose closures could
// be reused from one run to the next, with and without reuse, and wants
// the same results: reuse must be invisible to a script.
func TestClosureReuseMatchesFreshClosures(t *testing.T) {
	scripts := map[string]string{
		"local functions": `
			local fmt = string.format
			local function a(x) return fmt("%d", x) end
			local function b(x) return a(x) .. "!" end
			return b(ARG)`,
		"assigned after capture": `
			local x = ARG
			local function f() return x end
			x = x * 2
			return f()`,
		"assigned before capture": `
			local x = 1
			x = ARG
			local function f() return x end
			return f()`,
		"closure assigns its upvalue": `
			local n = ARG
			local function inc() n = n + 1 return n end
			inc()
			return inc()`,
		"sibling closures share a cell": `
			local n = 0
			local function set(v) n = v end
			local function get() return n end
			set(ARG)
			return get()`,
		"loop variable": `
			local fs = {}
			for i = 1, 3 do fs[i] = function() return i + ARG end end
			return tostring(fs[1] == fs[2]) .. fs[1]() .. fs[2]() .. fs[3]()`,
		"generic loop variable": `
			local fs = {}
			for k, v in ipairs({ARG, ARG + 1}) do fs[k] = function() return k .. v end end
			return fs[1]() .. fs[2]()`,
		"one prototype twice in a run": `
			local k = 7
			local fs = {}
			for i = 1, 3 do fs[i] = function() return k end end
			local function mk() return function() return 1 end end
			return tostring(fs[1] == fs[2]) .. tostring(fs[2] == fs[3]) .. tostring(mk() == mk())`,
		"recursive local function": `
			local function fact(n) if n <= 1 then return 1 end return n * fact(n - 1) end
			return fact(ARG)`,
		"recursive local assignment": `
			local f = function(n) if n == 0 then return "done" end return f(n - 1) end
			return f(ARG)`,
		"enclosing upvalues": `
			local base = 10
			local function outer(y)
				local function inner() return base + y end
				return inner()
			end
			return outer(ARG) + outer(ARG + 1)`,
		"captured parameter": `
			local function mk(v) return function() return v end end
			local f1, f2 = mk(ARG), mk(ARG + 1)
			return tostring(f1 == f2) .. f1() .. f2()`,
		"captured table": `
			local t = {v = ARG}
			local function get() return t.v end
			t.v = t.v + 1
			return get()`,
		"error with open upvalues": `
			local x = ARG
			local function f() if x == 2 then error("boom") end return x end
			local function g() return f() end
			return g()`,
		"setfenv on a local function": `
			local function f() return ARG end
			if ARG == 1 then setfenv(f, {ARG = 100}) end
			return f()`,
		"function identity": `
			local function f() end
			local g = f
			return tostring(g == f)`,
		"declared without a value": `
			local x
			local function f() return x end
			if ARG == 2 then x = 5 end
			return tostring(f())`,
		"method definition": `
			local obj = {v = ARG}
			function obj:get() return self.v end
			local function call() return obj:get() end
			return call()`,
	}
	args := []int{1, 2, 3, 1, 1, 2}
	for name, src := range scripts {
		for _, handler := range []bool{false, true} {
			want := runGenerations(t, src, args, false, handler)
			got := runGenerations(t, src, args, true, handler)
			for i := range want {
				if got[i] != want[i] {
					t.Errorf("%s (handler %v): run %d (ARG=%d) = %q with reuse, %q without", name, handler, i+1, args[i], got[i], want[i])
				}
			}
		}
	}
}

// TestClosureReuseHappens checks that reuse is not vacuous: a local
// function capturing only constants and functions is the same object in
// the next generation, and a new one when reuse is off or within a run.
func TestClosureReuseHappens(t *testing.T) {
	src := `
		local fmt = string.format
		local function helper() return fmt end
		local function f() return helper() end
		return f`
	ptrs := func(reuse bool) []string {
		L := NewState()
		defer L.Close()
		fn, err := L.LoadString(src)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for i := 0; i < 3; i++ {
			if reuse {
				L.NewClosureGeneration()
			}
			L.Push(fn)
			if err := L.PCall(0, 1, nil); err != nil {
				t.Fatal(err)
			}
			out = append(out, fmt.Sprintf("%p", L.Get(-1)))
			L.Pop(1)
		}
		return out
	}
	on := ptrs(true)
	if on[0] != on[1] || on[1] != on[2] {
		t.Errorf("with reuse, f is a new closure in each run: %v", on)
	}
	off := ptrs(false)
	if off[0] == off[1] || off[1] == off[2] {
		t.Errorf("without reuse, f is the same closure in two runs: %v", off)
	}
}

// TestFieldCacheFollowsChanges reads fields of read-only tables, whose
// values getFieldConst caches, while Go code changes them between runs.
func TestFieldCacheFollowsChanges(t *testing.T) {
	L := NewState()
	defer L.Close()
	g := L.G.Global
	lib := L.NewTable()
	g.RawSetString("lib", lib)
	lib.Readonly, g.Readonly = true, true
	fn, err := L.LoadString(`local a = lib.f return tostring(a) .. ":" .. tostring(X) .. ":" .. tostring(lib["f"])`)
	if err != nil {
		t.Fatal(err)
	}
	run := func() string {
		L.Push(fn)
		if err := L.PCall(0, 1, nil); err != nil {
			t.Fatal(err)
		}
		defer L.Pop(1)
		return L.Get(-1).String()
	}
	steps := []struct {
		change func()
		want   string
	}{
		{func() {}, "nil:nil:nil"},
		{func() { lib.RawSetString("f", LNumber(1)) }, "1:nil:1"},
		{func() {}, "1:nil:1"},
		{func() { g.RawSetString("X", LString("x")) }, "1:x:1"},
		{func() { lib.RawSetString("f", LNumber(2)) }, "2:x:2"},
		{func() { g.RawSetString("X", LString("y")) }, "2:y:2"},
		{func() { lib.RawSetString("f", LNil) }, "nil:y:nil"},
		{func() { lib.RawSet(LString("f"), LNumber(3)) }, "3:y:3"},
		{func() {
			other := L.NewTable()
			other.Readonly = true
			other.RawSetString("f", LNumber(4))
			g.RawSetString("lib", other)
		}, "4:y:4"},
		{func() { g.RawSetString("lib", lib) }, "3:y:3"},
	}
	for i, s := range steps {
		s.change()
		if got := run(); got != s.want {
			t.Fatalf("step %d: %q, want %q", i, got, s.want)
		}
	}
}
