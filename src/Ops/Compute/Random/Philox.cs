using System.Runtime.CompilerServices;

namespace GraphEngine.Ops.Compute.Random;

/// <summary>
/// Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3"), laid out as
/// TensorFlow's PhiloxRandom (core/lib/random/philox_random.h) so that the same seeds give the
/// same bits: a 64-bit key from <c>seed</c>, the upper half of the 128-bit counter from
/// <c>seed2</c>. Each call yields four 32-bit outputs and advances the counter by one.
/// </summary>
public struct Philox
{
    private const uint W32A = 0x9E3779B9, W32B = 0xBB67AE85;
    private const uint M4x32A = 0xD2511F53, M4x32B = 0xCD9E8D57;

    private uint _c0, _c1, _c2, _c3;
    private uint _k0, _k1;

    /// <summary>TF's PhiloxRandom(seed_lo, seed_hi): key = seed, counter[2..3] = seed2.</summary>
    public Philox(ulong seed, ulong seed2)
    {
        _k0 = (uint)seed;
        _k1 = (uint)(seed >> 32);
        _c0 = 0;
        _c1 = 0;
        _c2 = (uint)seed2;
        _c3 = (uint)(seed2 >> 32);
    }

    /// <summary>A generator with an explicit counter and key (for known-answer tests).</summary>
    public Philox(uint c0, uint c1, uint c2, uint c3, uint k0, uint k1)
    {
        (_c0, _c1, _c2, _c3, _k0, _k1) = (c0, c1, c2, c3, k0, k1);
    }

    /// <summary>Advances the 128-bit counter by <paramref name="count"/> outputs of four words.</summary>
    public void Skip(ulong count)
    {
        uint lo = (uint)count, hi = (uint)(count >> 32);
        _c0 += lo;
        if (_c0 < lo) hi++;
        _c1 += hi;
        if (_c1 < hi && ++_c2 == 0) ++_c3;
    }

    private void SkipOne()
    {
        if (++_c0 == 0 && ++_c1 == 0 && ++_c2 == 0) ++_c3;
    }

    /// <summary>The next four 32-bit outputs (ten rounds over the current counter), then counter + 1.</summary>
    public void Next(out uint r0, out uint r1, out uint r2, out uint r3)
    {
        uint c0 = _c0, c1 = _c1, c2 = _c2, c3 = _c3, k0 = _k0, k1 = _k1;
        for (int round = 0; round < 10; round++)
        {
            if (round > 0)
            {
                k0 += W32A;
                k1 += W32B;
            }
            ulong p0 = (ulong)M4x32A * c0;
            ulong p1 = (ulong)M4x32B * c2;
            uint n0 = (uint)(p1 >> 32) ^ c1 ^ k0;
            uint n1 = (uint)p1;
            uint n2 = (uint)(p0 >> 32) ^ c3 ^ k1;
            uint n3 = (uint)p0;
            (c0, c1, c2, c3) = (n0, n1, n2, n3);
        }
        SkipOne();
        (r0, r1, r2, r3) = (c0, c1, c2, c3);
    }
}

/// <summary>
/// The bits-to-number conversions of TF's random_distributions.h: uniform values from mantissa
/// bits (a number in [1, 2) minus 1), Box–Muller normals, and truncated normals by rejecting |x| ≥ 2.
/// </summary>
public static class Distributions
{
    private const float FloatEpsilon = 1.0e-7f;
    private const double DoubleEpsilon = 1.0e-7;

    /// <summary>23 random mantissa bits under exponent 127 give [1, 2); minus 1 gives [0, 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Uint32ToFloat(uint x) => BitConverter.UInt32BitsToSingle((127u << 23) | (x & 0x7fffffu)) - 1.0f;

    /// <summary>52 mantissa bits (20 from x0, 32 from x1) under exponent 1023, minus 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Uint64ToDouble(uint x0, uint x1)
    {
        ulong man = ((ulong)(x0 & 0xfffffu) << 32) | x1;
        return BitConverter.UInt64BitsToDouble((1023UL << 52) | man) - 1.0;
    }

    public static void BoxMullerFloat(uint x0, uint x1, out float f0, out float f1)
    {
        float u1 = Uint32ToFloat(x0);
        if (u1 < FloatEpsilon) u1 = FloatEpsilon;
        float v1 = (float)(2.0 * System.Math.PI * Uint32ToFloat(x1));   // TF: 2.0f * M_PI is a double product
        float u2 = MathF.Sqrt(-2.0f * MathF.Log(u1));
        (float s, float c) = MathF.SinCos(v1);
        f0 = s * u2;
        f1 = c * u2;
    }

    public static void BoxMullerDouble(uint x0, uint x1, uint x2, uint x3, out double d0, out double d1)
    {
        double u1 = Uint64ToDouble(x0, x1);
        if (u1 < DoubleEpsilon) u1 = DoubleEpsilon;
        double v1 = 2 * System.Math.PI * Uint64ToDouble(x2, x3);
        double u2 = System.Math.Sqrt(-2.0 * System.Math.Log(u1));
        (double s, double c) = System.Math.SinCos(v1);
        d0 = s * u2;
        d1 = c * u2;
    }

    /// <summary>Uniform [0,1): 4 floats per Philox output, consumed in order (TF's FillPhiloxRandom, one group per output).</summary>
    public static void FillUniform(Philox gen, Span<float> dst)
    {
        for (int i = 0; i < dst.Length; i += 4)
        {
            gen.Next(out uint a, out uint b, out uint c, out uint d);
            Put(dst, i, Uint32ToFloat(a), Uint32ToFloat(b), Uint32ToFloat(c), Uint32ToFloat(d));
        }
    }

    public static void FillUniform(Philox gen, Span<double> dst)
    {
        for (int i = 0; i < dst.Length; i += 2)
        {
            gen.Next(out uint a, out uint b, out uint c, out uint d);
            dst[i] = Uint64ToDouble(a, b);
            if (i + 1 < dst.Length) dst[i + 1] = Uint64ToDouble(c, d);
        }
    }

    public static void FillNormal(Philox gen, Span<float> dst)
    {
        for (int i = 0; i < dst.Length; i += 4)
        {
            gen.Next(out uint a, out uint b, out uint c, out uint d);
            BoxMullerFloat(a, b, out float f0, out float f1);
            BoxMullerFloat(c, d, out float f2, out float f3);
            Put(dst, i, f0, f1, f2, f3);
        }
    }

    public static void FillNormal(Philox gen, Span<double> dst)
    {
        for (int i = 0; i < dst.Length; i += 2)
        {
            gen.Next(out uint a, out uint b, out uint c, out uint d);
            BoxMullerDouble(a, b, c, d, out double d0, out double d1);
            dst[i] = d0;
            if (i + 1 < dst.Length) dst[i + 1] = d1;
        }
    }

    /// <summary>
    /// Truncated normal: each group of outputs (4 floats) starts from its own generator skipped
    /// by 256 Philox outputs per group (TF reserves 256 samples per output for variable-count
    /// distributions), and draws single words until the group is filled with |x| &lt; 2.
    /// </summary>
    public static void FillTruncatedNormal(Philox baseGen, Span<float> dst)
    {
        const int group = 4, skipPerGroup = group * 256 / 4;
        Span<float> g = stackalloc float[group];
        for (int start = 0, index = 0; start < dst.Length; start += group, index++)
        {
            var gen = baseGen;
            gen.Skip((ulong)index * skipPerGroup);
            var words = new PhiloxWords(gen);
            int filled = 0;
            while (filled < group)
            {
                BoxMullerFloat(words.Next(), words.Next(), out float f0, out float f1);
                if (MathF.Abs(f0) < 2.0f) g[filled++] = f0;
                if (filled < group && MathF.Abs(f1) < 2.0f) g[filled++] = f1;
            }
            g[..System.Math.Min(group, dst.Length - start)].CopyTo(dst[start..]);
        }
    }

    public static void FillTruncatedNormal(Philox baseGen, Span<double> dst)
    {
        const int group = 2, skipPerGroup = group * 256 / 4;
        for (int start = 0, index = 0; start < dst.Length; start += group, index++)
        {
            var gen = baseGen;
            gen.Skip((ulong)index * skipPerGroup);
            var words = new PhiloxWords(gen);
            int filled = 0;
            double r0 = 0, r1 = 0;
            while (filled < group)
            {
                BoxMullerDouble(words.Next(), words.Next(), words.Next(), words.Next(), out double d0, out double d1);
                if (System.Math.Abs(d0) < 2.0) { if (filled++ == 0) r0 = d0; else r1 = d0; }
                if (filled < group && System.Math.Abs(d1) < 2.0) { if (filled++ == 0) r0 = d1; else r1 = d1; }
            }
            dst[start] = r0;
            if (start + 1 < dst.Length) dst[start + 1] = r1;
        }
    }

    private static void Put(Span<float> dst, int i, float a, float b, float c, float d)
    {
        int left = dst.Length - i;
        dst[i] = a;
        if (left > 1) dst[i + 1] = b;
        if (left > 2) dst[i + 2] = c;
        if (left > 3) dst[i + 3] = d;
    }
}

/// <summary>TF's SingleSampleAdapter: hands out the four words of each Philox output one at a time.</summary>
internal struct PhiloxWords(Philox gen)
{
    private Philox _gen = gen;
    private uint _w0, _w1, _w2, _w3;
    private int _used = 4;

    public uint Next()
    {
        if (_used == 4)
        {
            _gen.Next(out _w0, out _w1, out _w2, out _w3);
            _used = 0;
        }
        return _used++ switch { 0 => _w0, 1 => _w1, 2 => _w2, _ => _w3 };
    }
}
