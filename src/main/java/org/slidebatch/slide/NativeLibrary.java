package org.slidebatch.slide;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.function.Supplier;

/**
 * A C library loaded once by soname (Debian ships no unversioned .so without the -dev package), and the
 * binding built on it. A failed load is remembered: every later use fails with the same message, which says
 * which Debian package installs the library.
 */
final class NativeLibrary<T> {

    private final String what;
    private final String debianPackage;
    private final Supplier<T> loader;
    private volatile T instance;
    private volatile Throwable loadFailure;

    NativeLibrary(String what, String debianPackage, Supplier<T> loader) {
        this.what = what;
        this.debianPackage = debianPackage;
        this.loader = loader;
    }

    /** The loaded binding, or an IllegalStateException that says how to install the library. */
    T get() {
        T lib = instance;
        if (lib != null) {
            return lib;
        }
        synchronized (this) {
            if (instance == null) {
                if (loadFailure != null) {
                    throw unavailable(loadFailure);
                }
                try {
                    instance = loader.get();
                } catch (Throwable t) {
                    loadFailure = t;
                    throw unavailable(t);
                }
            }
            return instance;
        }
    }

    boolean isAvailable() {
        try {
            get();
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    private IllegalStateException unavailable(Throwable t) {
        return new IllegalStateException(what + " is not available (" + t.getMessage()
            + "); install it with: apt-get install " + debianPackage, t);
    }

    /** The symbols of one shared library, looked up for the life of the JVM. */
    record Symbols(String soname, Linker linker, SymbolLookup lookup) {

        static Symbols load(String soname) {
            return new Symbols(soname, Linker.nativeLinker(), SymbolLookup.libraryLookup(soname, Arena.global()));
        }

        MethodHandle downcall(String name, FunctionDescriptor fd) {
            MemorySegment symbol = lookup.find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError(soname + " has no symbol " + name));
            return linker.downcallHandle(symbol, fd);
        }
    }
}
