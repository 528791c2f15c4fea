package dev.anyclaude.api;

import java.util.Arrays;

/**
 * A memo key of object references, equal to another only when it holds the very same objects (not equal ones),
 * so it is hashed and compared without looking into them. The request parse memo hands every request of a
 * session the same instances for its tools and other long values, and a memo keyed by their contents walked a
 * whole tool schema to hash it and another to compare it, on every request. Found by instance first, a memo
 * falls back to its content key on a miss (see its use).
 */
public final class SameObjects {
    private final Object[] refs;
    private final int hash;

    private SameObjects(Object[] refs) {
        this.refs = refs;
        int h = 1;
        for (Object ref : refs) {
            h = 31 * h + System.identityHashCode(ref);
        }
        this.hash = h;
    }

    /** A key of these references, in this order (null allowed). The array is the key's: do not change it. */
    public static SameObjects of(Object... refs) {
        return new SameObjects(refs);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public boolean equals(Object other) {
        if (!(other instanceof SameObjects that) || that.hash != hash || that.refs.length != refs.length) {
            return false;
        }
        for (int i = 0; i < refs.length; i++) {
            if (refs[i] != that.refs[i]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "SameObjects" + Arrays.toString(Arrays.stream(refs).map(r -> r == null ? "null"
                : r.getClass().getSimpleName() + "@" + Integer.toHexString(System.identityHashCode(r))).toArray());
    }
}
