using System.Text;
using GraphEngine.Data;
using GraphEngine.Ops.Core;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Tests.Data;

[TestClass]
public sealed class NpyTests
{
    private static string Temp(string name)
    {
        var dir = Path.Combine(Path.GetTempPath(), "ge-npy-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, name);
    }

    /// <summary>A file as NumPy writes it: magic, version, little-endian header length, the dict padded with spaces, '\n', data.</summary>
    private static byte[] HandWritten(string dict, byte[] data, int major = 1, int align = 64)
    {
        int pre = major == 1 ? 10 : 12;
        int padded = (pre + dict.Length + 1 + align - 1) / align * align;
        var header = dict.PadRight(padded - pre - 1) + "\n";
        var b = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', (byte)major, 0 };
        if (major == 1) b.AddRange(BitConverter.GetBytes((ushort)header.Length));
        else b.AddRange(BitConverter.GetBytes((uint)header.Length));
        b.AddRange(Encoding.ASCII.GetBytes(header));
        b.AddRange(data);
        return b.ToArray();
    }

    [TestMethod]
    public void Reads_hand_written_headers()
    {
        // np.save of np.arange(6, dtype='<i4').reshape(2, 3)
        var data = Enumerable.Range(0, 6).SelectMany(BitConverter.GetBytes).ToArray();
        var t = Npy.Parse(HandWritten("{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }", data), "a.npy");
        Assert.AreEqual(DType.Int32, t.DType);
        Assert.AreEqual(new TensorShape(2, 3), t.Shape);
        CollectionAssert.AreEqual(new[] { 0, 1, 2, 3, 4, 5 }, t.ToArray<int>());

        // Keys in another order, an old 16-byte alignment, format 2.0, big-endian doubles, a 1-d shape "(2,)".
        var be = new[] { 1.5, -2.25 }.SelectMany(d => BitConverter.GetBytes(d).Reverse()).ToArray();
        t = Npy.Parse(HandWritten("{'shape': (2,), 'fortran_order': False, 'descr': '>f8'}", be, major: 2, align: 16), "b.npy");
        CollectionAssert.AreEqual(new[] { 1.5, -2.25 }, t.ToArray<double>());

        // A scalar: shape ().
        t = Npy.Parse(HandWritten("{'descr': '|u1', 'fortran_order': False, 'shape': (), }", [200]), "c.npy");
        Assert.AreEqual(0, t.Rank);
        Assert.AreEqual((byte)200, t.ScalarValue<byte>());
    }

    [TestMethod]
    public void Writes_the_bytes_numpy_writes()
    {
        var bytes = Npy.Serialize(HostTensor.FromArray(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3));
        var header = Encoding.ASCII.GetString(bytes, 10, BitConverter.ToUInt16(bytes, 8));
        Assert.AreEqual("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", header.TrimEnd());
        Assert.AreEqual('\n', header[^1]);
        Assert.AreEqual(0, (10 + header.Length) % 64, "data starts 64-byte aligned");
        Assert.AreEqual(1, bytes[6], "format 1.0");
        Assert.AreEqual(128 + 24, bytes.Length);
        StringAssert.Contains(Encoding.ASCII.GetString(Npy.Serialize(HostTensor.FromArray(new long[] { 1, 2, 3 }, 3))), "'shape': (3,), }");
    }

    [TestMethod]
    public void Round_trips_every_supported_dtype()
    {
        var path = Temp("x.npy");
        void RoundTrip(object value)
        {
            Npy.save(path, value);
            var expected = NDArrayConversion.ToHostTensor(value);
            var back = Npy.LoadTensor(path);
            Assert.AreEqual(expected.DType, back.DType);
            Assert.AreEqual(expected.Shape, back.Shape);
            Assert.IsTrue(expected.ContentEquals(back), $"{expected.DType} content");
            Assert.AreEqual(expected.Shape.NumElements, Npy.load(path).size);
        }
        RoundTrip(new float[,] { { 1.5f, float.NaN }, { float.NegativeInfinity, -0f } });
        RoundTrip(new double[] { System.Math.PI, double.Epsilon, -1e300 });
        RoundTrip(new int[,,] { { { 1, -2 } }, { { int.MaxValue, int.MinValue } } });
        RoundTrip(new long[] { long.MaxValue, 0, -5 });
        RoundTrip(new byte[] { 0, 128, 255 });
        RoundTrip(new bool[] { true, false, true });
        RoundTrip(new float[0]);
        RoundTrip(3.25);
        Assert.AreEqual(1, Directory.GetFiles(Path.GetDirectoryName(path)!).Length, "no temporary file left behind");
    }

    [TestMethod]
    public void Corrupt_files_are_DataLoss_naming_the_file()
    {
        void Fails(byte[] bytes, string message)
        {
            var e = Assert.ThrowsExactly<DataLossException>(() => Npy.Parse(bytes, "bad.npy"));
            StringAssert.Contains(e.Message, "bad.npy");
            StringAssert.Contains(e.Message, message);
        }
        Fails(Encoding.ASCII.GetBytes("PK\x03\x04 not npy"), "not a .npy file");
        Fails(HandWritten("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", new byte[7]), ".npy data is 7 bytes, expected 8");
        Fails(HandWritten("{'descr': '<f4', 'shape': (2,), }", new byte[8]), "lacks 'fortran_order'");
        Fails(HandWritten("{'descr': '<f4', 'fortran_order': False, 'shape': (-2,), }", []), "is not a non-negative integer");
        Fails(HandWritten("{'descr': '|b1', 'fortran_order': False, 'shape': (1,), }", [7]), "bool .npy data holds byte 7");
        var v9 = HandWritten("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", new byte[4]);
        v9[6] = 9;
        Fails(v9, "unsupported .npy format version 9.0");
        var e = Assert.ThrowsExactly<UnimplementedException>(() =>
            Npy.Parse(HandWritten("{'descr': '<f4', 'fortran_order': True, 'shape': (1,), }", new byte[4]), "f.npy"));
        StringAssert.Contains(e.Message, "Fortran-order");
        Assert.ThrowsExactly<UnimplementedException>(() =>
            Npy.Parse(HandWritten("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", new byte[8]), "c.npy"));
    }
}
