using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GraphEngine.Ops.Compute;

/// <summary>
/// The AVX2/FMA versions of <see cref="ConvTiles"/>' tiles for CPUs without AVX-512 (16 ymm registers):
/// 6 rows × 2 vectors and 12 rows × 1 vector, same contracts as the 512-bit kernels of the same shape.
/// </summary>
internal static unsafe class ConvTiles256
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> Fma<T>(Vector256<T> a, Vector256<T> b, Vector256<T> acc) where T : unmanaged
    {
        if (typeof(T) == typeof(float)) return System.Runtime.Intrinsics.X86.Fma.MultiplyAdd(a.AsSingle(), b.AsSingle(), acc.AsSingle()).As<float, T>();
        if (typeof(T) == typeof(double)) return System.Runtime.Intrinsics.X86.Fma.MultiplyAdd(a.AsDouble(), b.AsDouble(), acc.AsDouble()).As<double, T>();
        return a * b + acc;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Rows6x2<T>(T* x, long* o, int* tapOff, int taps, int cin, T* b, int ldb, T* tile, int ldt, bool add = false) where T : unmanaged
    {
        int v = Vector256<T>.Count;
        Vector256<T> a00 = default, a01 = default, a10 = default, a11 = default, a20 = default, a21 = default;
        Vector256<T> a30 = default, a31 = default, a40 = default, a41 = default, a50 = default, a51 = default;
        long o0 = o[0], o1 = o[1], o2 = o[2], o3 = o[3], o4 = o[4], o5 = o[5];
        for (int t = 0; t < taps; t++)
        {
            T* xt = x + tapOff[t];
            T* bt = b + (long)t * cin * ldb;
            for (int c = 0; c < cin; c++, bt += ldb)
            {
                var b0 = Vector256.Load(bt); var b1 = Vector256.Load(bt + v);
                var s = Vector256.Create(xt[o0 + c]); a00 = Fma(s, b0, a00); a01 = Fma(s, b1, a01);
                s = Vector256.Create(xt[o1 + c]); a10 = Fma(s, b0, a10); a11 = Fma(s, b1, a11);
                s = Vector256.Create(xt[o2 + c]); a20 = Fma(s, b0, a20); a21 = Fma(s, b1, a21);
                s = Vector256.Create(xt[o3 + c]); a30 = Fma(s, b0, a30); a31 = Fma(s, b1, a31);
                s = Vector256.Create(xt[o4 + c]); a40 = Fma(s, b0, a40); a41 = Fma(s, b1, a41);
                s = Vector256.Create(xt[o5 + c]); a50 = Fma(s, b0, a50); a51 = Fma(s, b1, a51);
            }
        }
        int w = ldt;
        // One branch for the whole tile, so each store sequence is straight-line code.
        if (add)
        {
            Out1(tile, a00, true); Out1(tile + v, a01, true); Out1(tile + w, a10, true); Out1(tile + w + v, a11, true);
            Out1(tile + 2 * w, a20, true); Out1(tile + 2 * w + v, a21, true); Out1(tile + 3 * w, a30, true); Out1(tile + 3 * w + v, a31, true);
            Out1(tile + 4 * w, a40, true); Out1(tile + 4 * w + v, a41, true); Out1(tile + 5 * w, a50, true); Out1(tile + 5 * w + v, a51, true);
        }
        else
        {
            Out1(tile, a00, false); Out1(tile + v, a01, false); Out1(tile + w, a10, false); Out1(tile + w + v, a11, false);
            Out1(tile + 2 * w, a20, false); Out1(tile + 2 * w + v, a21, false); Out1(tile + 3 * w, a30, false); Out1(tile + 3 * w + v, a31, false);
            Out1(tile + 4 * w, a40, false); Out1(tile + 4 * w + v, a41, false); Out1(tile + 5 * w, a50, false); Out1(tile + 5 * w + v, a51, false);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Rows12x1<T>(T* x, long* o, int* tapOff, int taps, int cin, T* b, int ldb, T* tile, int ldt, bool add = false) where T : unmanaged
    {
        int v = Vector256<T>.Count;
        Vector256<T> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default;
        Vector256<T> a6 = default, a7 = default, a8 = default, a9 = default, aa = default, ab = default;
        for (int t = 0; t < taps; t++)
        {
            T* xt = x + tapOff[t];
            T* bt = b + (long)t * cin * ldb;
            for (int c = 0; c < cin; c++, bt += ldb)
            {
                var b0 = Vector256.Load(bt);
                T* xc = xt + c;
                a0 = Fma(Vector256.Create(xc[o[0]]), b0, a0); a1 = Fma(Vector256.Create(xc[o[1]]), b0, a1);
                a2 = Fma(Vector256.Create(xc[o[2]]), b0, a2); a3 = Fma(Vector256.Create(xc[o[3]]), b0, a3);
                a4 = Fma(Vector256.Create(xc[o[4]]), b0, a4); a5 = Fma(Vector256.Create(xc[o[5]]), b0, a5);
                a6 = Fma(Vector256.Create(xc[o[6]]), b0, a6); a7 = Fma(Vector256.Create(xc[o[7]]), b0, a7);
                a8 = Fma(Vector256.Create(xc[o[8]]), b0, a8); a9 = Fma(Vector256.Create(xc[o[9]]), b0, a9);
                aa = Fma(Vector256.Create(xc[o[10]]), b0, aa); ab = Fma(Vector256.Create(xc[o[11]]), b0, ab);
            }
        }
        // One branch for the whole tile, so each store sequence is straight-line code.
        if (add)
        {
            Out1(tile, a0, true); Out1(tile + ldt, a1, true); Out1(tile + 2 * ldt, a2, true); Out1(tile + 3 * ldt, a3, true);
            Out1(tile + 4 * ldt, a4, true); Out1(tile + 5 * ldt, a5, true); Out1(tile + 6 * ldt, a6, true); Out1(tile + 7 * ldt, a7, true);
            Out1(tile + 8 * ldt, a8, true); Out1(tile + 9 * ldt, a9, true); Out1(tile + 10 * ldt, aa, true); Out1(tile + 11 * ldt, ab, true);
        }
        else
        {
            Out1(tile, a0, false); Out1(tile + ldt, a1, false); Out1(tile + 2 * ldt, a2, false); Out1(tile + 3 * ldt, a3, false);
            Out1(tile + 4 * ldt, a4, false); Out1(tile + 5 * ldt, a5, false); Out1(tile + 6 * ldt, a6, false); Out1(tile + 7 * ldt, a7, false);
            Out1(tile + 8 * ldt, a8, false); Out1(tile + 9 * ldt, a9, false); Out1(tile + 10 * ldt, aa, false); Out1(tile + 11 * ldt, ab, false);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Outer6x2<T>(T* x, long* o, int oh, int ow, long rowStep, long colStep, T* dy, int ldd, T* acc, int lda)
        where T : unmanaged
    {
        int v = Vector256<T>.Count;
        Vector256<T> a00 = default, a01 = default, a10 = default, a11 = default, a20 = default, a21 = default;
        Vector256<T> a30 = default, a31 = default, a40 = default, a41 = default, a50 = default, a51 = default;
        long o0 = o[0], o1 = o[1], o2 = o[2], o3 = o[3], o4 = o[4], o5 = o[5];
        T* d = dy;
        for (int i = 0; i < oh; i++)
        {
            T* xp = x + i * rowStep;
            for (int j = 0; j < ow; j++, xp += colStep, d += ldd)
            {
                var b0 = Vector256.Load(d); var b1 = Vector256.Load(d + v);
                var s = Vector256.Create(xp[o0]); a00 = Fma(s, b0, a00); a01 = Fma(s, b1, a01);
                s = Vector256.Create(xp[o1]); a10 = Fma(s, b0, a10); a11 = Fma(s, b1, a11);
                s = Vector256.Create(xp[o2]); a20 = Fma(s, b0, a20); a21 = Fma(s, b1, a21);
                s = Vector256.Create(xp[o3]); a30 = Fma(s, b0, a30); a31 = Fma(s, b1, a31);
                s = Vector256.Create(xp[o4]); a40 = Fma(s, b0, a40); a41 = Fma(s, b1, a41);
                s = Vector256.Create(xp[o5]); a50 = Fma(s, b0, a50); a51 = Fma(s, b1, a51);
            }
        }
        Add2(acc, v, a00, a01); Add2(acc + lda, v, a10, a11); Add2(acc + 2 * lda, v, a20, a21);
        Add2(acc + 3 * lda, v, a30, a31); Add2(acc + 4 * lda, v, a40, a41); Add2(acc + 5 * lda, v, a50, a51);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Outer12x1<T>(T* x, long* o, int oh, int ow, long rowStep, long colStep, T* dy, int ldd, T* acc, int lda)
        where T : unmanaged
    {
        Vector256<T> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default;
        Vector256<T> a6 = default, a7 = default, a8 = default, a9 = default, aa = default, ab = default;
        T* d = dy;
        for (int i = 0; i < oh; i++)
        {
            T* xp = x + i * rowStep;
            for (int j = 0; j < ow; j++, xp += colStep, d += ldd)
            {
                var b0 = Vector256.Load(d);
                a0 = Fma(Vector256.Create(xp[o[0]]), b0, a0); a1 = Fma(Vector256.Create(xp[o[1]]), b0, a1);
                a2 = Fma(Vector256.Create(xp[o[2]]), b0, a2); a3 = Fma(Vector256.Create(xp[o[3]]), b0, a3);
                a4 = Fma(Vector256.Create(xp[o[4]]), b0, a4); a5 = Fma(Vector256.Create(xp[o[5]]), b0, a5);
                a6 = Fma(Vector256.Create(xp[o[6]]), b0, a6); a7 = Fma(Vector256.Create(xp[o[7]]), b0, a7);
                a8 = Fma(Vector256.Create(xp[o[8]]), b0, a8); a9 = Fma(Vector256.Create(xp[o[9]]), b0, a9);
                aa = Fma(Vector256.Create(xp[o[10]]), b0, aa); ab = Fma(Vector256.Create(xp[o[11]]), b0, ab);
            }
        }
        Add1(acc, a0); Add1(acc + lda, a1); Add1(acc + 2 * lda, a2); Add1(acc + 3 * lda, a3);
        Add1(acc + 4 * lda, a4); Add1(acc + 5 * lda, a5); Add1(acc + 6 * lda, a6); Add1(acc + 7 * lda, a7);
        Add1(acc + 8 * lda, a8); Add1(acc + 9 * lda, a9); Add1(acc + 10 * lda, aa); Add1(acc + 11 * lda, ab);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Add1<T>(T* p, Vector256<T> a) where T : unmanaged => (Vector256.Load(p) + a).Store(p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Add2<T>(T* p, int v, Vector256<T> a, Vector256<T> b) where T : unmanaged
    {
        (Vector256.Load(p) + a).Store(p); (Vector256.Load(p + v) + b).Store(p + v);
    }

    /// <summary>Stores a row's vector, or adds it to what is there (later tap groups of one output).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Out1<T>(T* p, Vector256<T> a, bool add) where T : unmanaged
    {
        if (add) a += Vector256.Load(p);
        a.Store(p);
    }
}
