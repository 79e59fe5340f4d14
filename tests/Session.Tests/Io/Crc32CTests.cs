using System.Text;
using GraphEngine.Runtime.Io.TensorBundle;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Session.Tests.Io;

[TestClass]
public sealed class Crc32CTests
{
    [TestMethod]
    public void KnownVectors()
    {
        Assert.AreEqual(0xE3069283u, Crc32C.Compute(Encoding.ASCII.GetBytes("123456789")));
        Assert.AreEqual(0x48674BC7u, Crc32C.Compute(new byte[4]));
        Assert.AreEqual(0u, Crc32C.Compute([]));
        // RFC 3720 (iSCSI) B.4 test vectors.
        Assert.AreEqual(0x8A9136AAu, Crc32C.Compute(new byte[32]));
        Assert.AreEqual(0x62A8AB43u, Crc32C.Compute(Enumerable.Repeat((byte)0xFF, 32).ToArray()));
        Assert.AreEqual(0x46DD794Eu, Crc32C.Compute(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray()));
        Assert.AreEqual(0x113FDB5Cu, Crc32C.Compute(Enumerable.Range(0, 32).Select(i => (byte)(31 - i)).ToArray()));
    }

    [TestMethod]
    public void MaskMatchesTheWorkedExampleAndRoundTrips()
    {
        // FORMATS.md §3.5: CRC32C(00 00 00 00) = 0x48674bc7 is stored masked as 0x3a117ba6.
        Assert.AreEqual(0x3A117BA6u, Crc32C.Mask(0x48674BC7u));
        foreach (uint v in new uint[] { 0, 1, 0xFFFFFFFF, 0xE3069283, 0x12345678 })
            Assert.AreEqual(v, Crc32C.Unmask(Crc32C.Mask(v)));
        Assert.AreNotEqual(0x12345678u, Crc32C.Mask(0x12345678));
    }

    [TestMethod]
    public void HardwareAndTablePathsAgreeForEveryLengthAndSplit()
    {
        var rng = new Random(7);
        var data = new byte[1100];
        rng.NextBytes(data);
        for (int n = 0; n <= 70; n++)
            Assert.AreEqual(Crc32C.ComputePortable(data.AsSpan(0, n)), Crc32C.Compute(data.AsSpan(0, n)), $"length {n}");
        Assert.AreEqual(Crc32C.ComputePortable(data), Crc32C.Compute(data));
        uint whole = Crc32C.Compute(data);
        foreach (int split in new[] { 0, 1, 3, 8, 13, 512, 1099, 1100 })
            Assert.AreEqual(whole, Crc32C.Extend(Crc32C.Compute(data.AsSpan(0, split)), data.AsSpan(split)), $"split {split}");
    }

    [TestMethod]
    public void EveryAvailableInstructionPathMatchesTheTable()
    {
        var data = new byte[777];
        new Random(3).NextBytes(data);
        int checkedPaths = 0;
        for (int n = 0; n < data.Length; n += 37)
        {
            uint expected = Crc32C.ComputePortable(data.AsSpan(0, n));
            if (System.Runtime.Intrinsics.X86.Sse42.X64.IsSupported)
            { Assert.AreEqual(expected, ~Crc32C.ExtendX64(~0u, data.AsSpan(0, n))); checkedPaths++; }
            if (System.Runtime.Intrinsics.X86.Sse42.IsSupported)
            { Assert.AreEqual(expected, ~Crc32C.ExtendX86(~0u, data.AsSpan(0, n))); checkedPaths++; }
            if (System.Runtime.Intrinsics.Arm.Crc32.Arm64.IsSupported)
            { Assert.AreEqual(expected, ~Crc32C.ExtendArm64(~0u, data.AsSpan(0, n))); checkedPaths++; }
        }
        if (checkedPaths == 0) Assert.Inconclusive("No CRC32C instruction on this CPU; only the table path was tested.");
    }
}
