using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace GraphEngine.Ops.Compute;

internal static unsafe partial class ConvTiles
{
    /// <summary>
    /// Rows of the tile to use where <paramref name="left"/> rows remain: the 512-bit 2-vector tile has a
    /// 6-row form, so a short last tile (an image of 196 pixels ends with 4 rows) computes 6 rows instead of 12.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int RowsFor(int nv, int left) => Wide && nv == 2 && left <= 6 ? 6 : RowsFor(nv);

    /// <summary><see cref="Rows{T}"/> for a tile of <paramref name="mr"/> rows (<see cref="RowsFor(int, int)"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Rows<T>(int nv, int mr, T* x, long* o, int* tapOff, int taps, int cin, T* b, int ldb, T* tile, int ldt, bool add = false)
        where T : unmanaged
    {
        if (Wide && nv == 2 && mr == 6) Rows6x2(x, o, tapOff, taps, cin, b, ldb, tile, ldt, add);
        else Rows(nv, x, o, tapOff, taps, cin, b, ldb, tile, ldt, add);
    }

    /// <summary>Forward tile, 6 rows × 2 vectors (the short last tile of a 2-vector column block). Same contract as <see cref="Rows6x4{T}"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Rows6x2<T>(T* x, long* o, int* tapOff, int taps, int cin, T* b, int ldb, T* tile, int ldt, bool add) where T : unmanaged
    {
        int v = Vector512<T>.Count;
        Vector512<T> a00 = default, a01 = default, a10 = default, a11 = default, a20 = default, a21 = default;
        Vector512<T> a30 = default, a31 = default, a40 = default, a41 = default, a50 = default, a51 = default;
        long o0 = o[0], o1 = o[1], o2 = o[2], o3 = o[3], o4 = o[4], o5 = o[5];
        for (int t = 0; t < taps; t++)
        {
            T* xt = x + tapOff[t];
            T* bt = b + (long)t * cin * ldb;
            for (int c = 0; c < cin; c++, bt += ldb)
            {
                var b0 = Vector512.Load(bt); var b1 = Vector512.Load(bt + v);
                var s = Vector512.Create(xt[o0 + c]); a00 = Fma(s, b0, a00); a01 = Fma(s, b1, a01);
                s = Vector512.Create(xt[o1 + c]); a10 = Fma(s, b0, a10); a11 = Fma(s, b1, a11);
                s = Vector512.Create(xt[o2 + c]); a20 = Fma(s, b0, a20); a21 = Fma(s, b1, a21);
                s = Vector512.Create(xt[o3 + c]); a30 = Fma(s, b0, a30); a31 = Fma(s, b1, a31);
                s = Vector512.Create(xt[o4 + c]); a40 = Fma(s, b0, a40); a41 = Fma(s, b1, a41);
                s = Vector512.Create(xt[o5 + c]); a50 = Fma(s, b0, a50); a51 = Fma(s, b1, a51);
            }
        }
        int w = ldt;
        // One branch for the whole tile, so each store sequence is straight-line code.
        if (add)
        {
            Out2(tile, v, a00, a01, true); Out2(tile + w, v, a10, a11, true); Out2(tile + 2 * w, v, a20, a21, true);
            Out2(tile + 3 * w, v, a30, a31, true); Out2(tile + 4 * w, v, a40, a41, true); Out2(tile + 5 * w, v, a50, a51, true);
        }
        else
        {
            Out2(tile, v, a00, a01, false); Out2(tile + w, v, a10, a11, false); Out2(tile + 2 * w, v, a20, a21, false);
            Out2(tile + 3 * w, v, a30, a31, false); Out2(tile + 4 * w, v, a40, a41, false); Out2(tile + 5 * w, v, a50, a51, false);
        }
    }
}
