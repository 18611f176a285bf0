package org.slidebatch.slide;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Decoded tiles of one reading thread, least recently used first out, in fixed-size slots off the Java heap.
 * Slots are allocated on first use and reused after that, so a grid or patch stream that sweeps the slide
 * churns no heap (a heap {@code byte[]} LRU cost 25–30 % in GC time in one run). Not thread-safe: one cache
 * per thread. The slots live in the owner's arena and are freed when the reader closes.
 *
 * <p>A patch stream keeps many slides open on many threads, so beyond its floor of slots a cache
 * grows only while the JVM-wide budget ({@code -Dslidebatch.tile-cache-total-mib}, default 1024) allows;
 * past it, it recycles its own least recently used slot instead.
 */
final class TileCache {

    /** Slots a cache of 256² tiles may have whatever the budget: a 512² read touches at most 9 tiles of 256². */
    static final int FLOOR_SLOTS = 16;

    private static final AtomicLong BUDGET_LEFT = new AtomicLong(
        Long.getLong("slidebatch.tile-cache-total-mib", 1024) * 1024 * 1024);

    private final Arena arena;
    private final long slotBytes;
    private final int capacity;
    private final int floor;
    private final LinkedHashMap<Long, MemorySegment> tiles = new LinkedHashMap<>(64, 0.75f, true);
    private final ArrayDeque<MemorySegment> free = new ArrayDeque<>();
    private int allocated;
    private long reserved;

    /** @param floor slots allocated whatever the JVM-wide budget says (at most {@code capacity}) */
    TileCache(Arena arena, long slotBytes, int capacity, int floor) {
        if (capacity < 1) {
            throw new IllegalArgumentException("tile cache needs at least one slot");
        }
        this.arena = arena;
        this.slotBytes = slotBytes;
        this.capacity = capacity;
        this.floor = Math.min(floor, capacity);
    }

    static long key(int level, long tileIndex) {
        return ((long) level << 48) | tileIndex;
    }

    /** The decoded tile, or null (and it becomes the most recently used when present). */
    MemorySegment get(long key) {
        return tiles.get(key);
    }

    /** A slot to decode into: a free one, a new one while under capacity, else the least recently used tile's. */
    MemorySegment acquire() {
        MemorySegment slot = free.pollFirst();
        if (slot != null) {
            return slot;
        }
        if (allocated < capacity && (allocated < floor || reserve())) {
            allocated++;
            return arena.allocate(slotBytes, 64);
        }
        Iterator<Map.Entry<Long, MemorySegment>> eldest = tiles.entrySet().iterator();
        MemorySegment reused = eldest.next().getValue();
        eldest.remove();
        return reused;
    }

    private boolean reserve() {
        if (BUDGET_LEFT.addAndGet(-slotBytes) >= 0) {
            reserved += slotBytes;
            return true;
        }
        BUDGET_LEFT.addAndGet(slotBytes);
        return false;
    }

    /** Gives this cache's share of the JVM-wide budget back; call once, when its arena is closed. */
    void releaseBudget() {
        BUDGET_LEFT.addAndGet(reserved);
        reserved = 0;
    }

    /** Stores a slot that now holds the tile {@code key}. */
    void put(long key, MemorySegment slot) {
        tiles.put(key, slot);
    }

    /** Drops every tile, keeping the slots (their memory stays allocated and touched) for the next decodes. */
    void forget() {
        free.addAll(tiles.values());
        tiles.clear();
    }

    /** Returns a slot whose decode failed. */
    void release(MemorySegment slot) {
        free.addFirst(slot);
    }

    int capacity() {
        return capacity;
    }

    int size() {
        return tiles.size();
    }
}
