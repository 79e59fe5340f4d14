using GraphEngine.Ops.Compute.Random;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Ops.Tests.Compute.Random;

[TestClass]
public sealed class PhiloxTests
{
    // Known-answer vectors of philox4x32-10 from the Random123 distribution (kat_vectors), which
    // TF's PhiloxRandom reproduces: (counter, key) → output.
    [TestMethod]
    [DataRow(0u, 0u, 0u, 0u, 0u, 0u, 0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u)]
    [DataRow(0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu)]
    [DataRow(0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u, 0xa4093822u, 0x299f31d0u, 0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u)]
    public void Matches_random123_known_answers(uint c0, uint c1, uint c2, uint c3, uint k0, uint k1, uint r0, uint r1, uint r2, uint r3)
    {
        var g = new Philox(c0, c1, c2, c3, k0, k1);
        g.Next(out uint a, out uint b, out uint c, out uint d);
        CollectionAssert.AreEqual(new[] { r0, r1, r2, r3 }, new[] { a, b, c, d });
    }

    [TestMethod]
    public void Seed_is_the_key_and_seed2_the_upper_counter()
    {
        // PhiloxRandom(seed, seed2): key = (lo, hi) of seed; counter = (0, 0, lo, hi) of seed2.
        var a = new Philox(0x1122334455667788UL, 0x99aabbccddeeff00UL);
        var b = new Philox(0, 0, 0xddeeff00u, 0x99aabbccu, 0x55667788u, 0x11223344u);
        a.Next(out uint a0, out uint a1, out uint a2, out uint a3);
        b.Next(out uint b0, out uint b1, out uint b2, out uint b3);
        CollectionAssert.AreEqual(new[] { b0, b1, b2, b3 }, new[] { a0, a1, a2, a3 });
    }

    [TestMethod]
    public void Skip_equals_drawing_that_many_outputs_including_carry()
    {
        var skipped = new Philox(0xfffffffeu, 0xffffffffu, 7u, 0u, 1u, 2u);
        skipped.Skip(3);
        var stepped = new Philox(0xfffffffeu, 0xffffffffu, 7u, 0u, 1u, 2u);
        for (int i = 0; i < 3; i++) stepped.Next(out _, out _, out _, out _);
        skipped.Next(out uint a, out _, out _, out _);
        stepped.Next(out uint b, out _, out _, out _);
        Assert.AreEqual(b, a);
        // Counter (0xfffffffe, 0xffffffff, 7, 0) + 3 carries into word 2: it equals counter (1, 0, 8, 0).
        var direct = new Philox(1u, 0u, 8u, 0u, 1u, 2u);
        direct.Next(out uint c, out _, out _, out _);
        Assert.AreEqual(c, a);
    }

    [TestMethod]
    public void Uniform_conversion_uses_mantissa_bits()
    {
        Assert.AreEqual(0f, Distributions.Uint32ToFloat(0));
        Assert.AreEqual(0f, Distributions.Uint32ToFloat(0xff800000u));           // only the low 23 bits count
        Assert.AreEqual(0.5f, Distributions.Uint32ToFloat(0x00400000u));
        Assert.AreEqual(1f - MathF.Pow(2, -23), Distributions.Uint32ToFloat(0xffffffffu));
        Assert.AreEqual(0.5, Distributions.Uint64ToDouble(0x00080000u, 0));
        Assert.AreEqual(1 - System.Math.Pow(2, -52), Distributions.Uint64ToDouble(0xffffffffu, 0xffffffffu));
    }

    [TestMethod]
    public void Box_muller_clamps_u1_and_uses_sin_then_cos()
    {
        Distributions.BoxMullerDouble(0, 0, 0, 0, out double d0, out double d1);   // u1 → 1e-7, angle 0
        Assert.AreEqual(0.0, d0, 1e-12);
        Assert.AreEqual(System.Math.Sqrt(-2 * System.Math.Log(1e-7)), d1, 1e-9);
        Distributions.BoxMullerFloat(0x00400000u, 0x00200000u, out float f0, out float f1); // u1 = 0.5, angle π/2
        Assert.AreEqual(System.Math.Sqrt(-2 * System.Math.Log(0.5)), f0, 1e-5);
        Assert.AreEqual(0.0, f1, 1e-5);
    }
}
