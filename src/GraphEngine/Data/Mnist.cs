using System.Buffers.Binary;
using System.IO.Compression;
using GraphEngine.Ops.Core;
using NumSharp;

namespace GraphEngine.Data;

/// <summary>
/// IDX files (LeCun's MNIST format): a big-endian magic number — two zero bytes, a type code
/// (0x08 = unsigned byte), the number of dimensions — then one big-endian int32 per dimension, then
/// the data. Read raw or gzip-compressed (detected by the gzip magic, not the file name).
/// </summary>
public static class Idx
{
    /// <summary>The dimensions and bytes of an unsigned-byte IDX file; DataLoss naming the file when anything does not add up.</summary>
    public static (int[] Dims, byte[] Data) Read(string path, int? expectedMagic = null, string kind = "IDX")
    {
        byte[] raw;
        try
        {
            raw = File.ReadAllBytes(path);
        }
        catch (FileNotFoundException e)
        {
            throw new NotFoundException($"{kind} file not found: {path}", e);
        }
        if (raw.Length >= 2 && raw[0] == 0x1f && raw[1] == 0x8b)
        {
            try
            {
                using var gz = new GZipStream(new MemoryStream(raw), CompressionMode.Decompress);
                using var ms = new MemoryStream();
                gz.CopyTo(ms);
                raw = ms.ToArray();
            }
            catch (InvalidDataException e)
            {
                throw new DataLossException($"{path}: corrupt gzip stream: {e.Message}", e);
            }
        }
        return Parse(raw, path, expectedMagic, kind);
    }

    public static (int[] Dims, byte[] Data) Parse(byte[] raw, string path, int? expectedMagic = null, string kind = "IDX")
    {
        if (raw.Length < 4) throw new DataLossException($"{path}: {raw.Length} bytes is too short for an IDX header");
        int magic = BinaryPrimitives.ReadInt32BigEndian(raw);
        // TF's mnist.py: "Invalid magic number 2049 in MNIST image file: path".
        if (expectedMagic is { } m && magic != m)
            throw new DataLossException($"Invalid magic number {magic} in MNIST {kind} file: {path} (expected {m})");
        if (raw[0] != 0 || raw[1] != 0) throw new DataLossException($"{path}: invalid IDX magic number {magic}");
        if (raw[2] != 0x08)
            throw new UnimplementedException($"{path}: IDX element type 0x{raw[2]:x2} is not supported (only 0x08, unsigned byte)");
        int rank = raw[3];
        int headerLen = 4 + 4 * rank;
        if (raw.Length < headerLen)
            throw new DataLossException($"{path}: IDX header declares {rank} dimensions but the file has only {raw.Length} bytes");
        var dims = new int[rank];
        long count = 1;
        for (int i = 0; i < rank; i++)
        {
            dims[i] = BinaryPrimitives.ReadInt32BigEndian(raw.AsSpan(4 + 4 * i));
            if (dims[i] < 0) throw new DataLossException($"{path}: IDX dimension {i} is negative ({dims[i]})");
            count *= dims[i];
        }
        long actual = raw.Length - headerLen;
        if (actual != count)
            throw new DataLossException($"{path}: IDX data is {actual} bytes, expected {count} for dimensions [{string.Join(", ", dims)}]" +
                (actual < count ? " (file truncated)" : " (trailing bytes)"));
        return (dims, raw[headerLen..]);
    }
}

/// <summary>TF1's mnist input_data: MNIST files in a folder, read into DataSets (train, validation, test).</summary>
public static class Mnist
{
    public const int ImageMagic = 2051;
    public const int LabelMagic = 2049;

    /// <summary>Images as [n, rows, cols] bytes, checked to be 3-D with magic 2051.</summary>
    public static (byte[] Pixels, int Count, int Rows, int Cols) ReadImages(string path)
    {
        var (dims, data) = Idx.Read(path, ImageMagic, "image");
        if (dims.Length != 3) throw new DataLossException($"{path}: MNIST image file has {dims.Length} dimensions, expected 3");
        return (data, dims[0], dims[1], dims[2]);
    }

    /// <summary>Labels 0–9, checked to be 1-D with magic 2049 and in range.</summary>
    public static byte[] ReadLabels(string path)
    {
        var (dims, data) = Idx.Read(path, LabelMagic, "label");
        if (dims.Length != 1) throw new DataLossException($"{path}: MNIST label file has {dims.Length} dimensions, expected 1");
        for (int i = 0; i < data.Length; i++)
            if (data[i] > 9) throw new DataLossException($"{path}: label {i} is {data[i]}, expected 0-9");
        return data;
    }

    /// <summary>
    /// TF1's read_data_sets: the four standard file names (".gz" or raw) in <paramref name="train_dir"/>;
    /// the first <paramref name="validation_size"/> training examples become the validation set.
    /// Images are float32 in [0, 1], flattened to 784 when <paramref name="reshape"/>.
    /// </summary>
    public static Datasets read_data_sets(string train_dir, bool one_hot = false, int validation_size = 5000, bool reshape = true, int? seed = null)
    {
        string Find(string name)
        {
            foreach (var candidate in new[] { name + ".gz", name })
            {
                var p = Path.Combine(train_dir, candidate);
                if (File.Exists(p)) return p;
            }
            throw new NotFoundException($"MNIST file {name}(.gz) not found in {train_dir}");
        }
        var (trainX, n, rows, cols) = ReadImages(Find("train-images-idx3-ubyte"));
        var trainY = ReadLabels(Find("train-labels-idx1-ubyte"));
        var (testX, nt, _, _) = ReadImages(Find("t10k-images-idx3-ubyte"));
        var testY = ReadLabels(Find("t10k-labels-idx1-ubyte"));
        if (trainY.Length != n) throw new DataLossException($"MNIST in {train_dir}: {n} training images but {trainY.Length} labels");
        if (testY.Length != nt) throw new DataLossException($"MNIST in {train_dir}: {nt} test images but {testY.Length} labels");
        if (validation_size < 0 || validation_size > n)
            throw new InvalidArgumentException($"Validation size should be between 0 and {n}. Received: {validation_size}.");
        int px = rows * cols;
        DataSet Make(byte[] x, byte[] y, int start, int count, int? s) =>
            new(x.AsSpan(start * px, count * px), y.AsSpan(start, count), rows, cols, one_hot, reshape, s);
        return new Datasets(
            Make(trainX, trainY, validation_size, n - validation_size, seed),
            Make(trainX, trainY, 0, validation_size, seed),
            Make(testX, testY, 0, nt, seed));
    }
}

public sealed record Datasets(DataSet train, DataSet validation, DataSet test);

/// <summary>
/// TF1's mnist DataSet: images (float32 in [0, 1]) and labels, served in mini-batches. Each epoch
/// is a fresh permutation (Fisher–Yates over System.Random(seed): the same seed gives the same
/// batches; NumPy's generator is not reproduced). A batch that crosses an epoch end takes the rest
/// of the old epoch and the start of the new one, as TF does, unless drop_last drops the remainder.
/// </summary>
public sealed class DataSet
{
    private readonly float[] _images;
    private readonly byte[] _labels;
    private readonly int _featureSize;
    private readonly int[] _imageShape;
    private readonly bool _oneHot;
    private readonly System.Random _random;
    private int[] _order;
    private int _indexInEpoch;

    public DataSet(ReadOnlySpan<byte> pixels, ReadOnlySpan<byte> labels, int rows, int cols, bool one_hot = false, bool reshape = true, int? seed = null)
    {
        int n = labels.Length;
        _featureSize = rows * cols;
        if (pixels.Length != n * _featureSize)
            throw new InvalidArgumentException($"images.shape: [{pixels.Length / System.Math.Max(1, _featureSize)}, {rows}, {cols}] labels.shape: [{n}]");
        _images = new float[pixels.Length];
        for (int i = 0; i < pixels.Length; i++) _images[i] = pixels[i] * (1f / 255f);
        _labels = labels.ToArray();
        _imageShape = reshape ? [_featureSize] : [rows, cols, 1];
        _oneHot = one_hot;
        _random = seed is { } s ? new System.Random(s) : new System.Random();
        _order = Enumerable.Range(0, n).ToArray();
    }

    public int num_examples => _labels.Length;
    public int epochs_completed { get; private set; }

    /// <summary>All images, [n, 784] (or [n, rows, cols, 1]), in file order.</summary>
    public NDArray images => Images(Enumerable.Range(0, num_examples).ToArray());

    /// <summary>All labels in file order: [n] uint8, or [n, 10] float32 one-hot.</summary>
    public NDArray labels => Labels(Enumerable.Range(0, num_examples).ToArray());

    /// <summary>The next <paramref name="batch_size"/> examples (TF1's next_batch).</summary>
    public (NDArray images, NDArray labels) next_batch(int batch_size, bool shuffle = true, bool drop_last = false)
    {
        if (batch_size <= 0 || batch_size > num_examples)
            throw new InvalidArgumentException($"batch_size must be in [1, {num_examples}], got {batch_size}");
        if (epochs_completed == 0 && _indexInEpoch == 0 && shuffle) Shuffle();
        var picked = new List<int>(batch_size);
        int rest = num_examples - _indexInEpoch;
        if (rest < batch_size)
        {
            epochs_completed++;
            if (!drop_last) picked.AddRange(_order.AsSpan(_indexInEpoch, rest).ToArray());
            if (shuffle) Shuffle();
            else _order = Enumerable.Range(0, num_examples).ToArray();
            _indexInEpoch = 0;
        }
        int take = batch_size - picked.Count;
        picked.AddRange(_order.AsSpan(_indexInEpoch, take).ToArray());
        _indexInEpoch += take;
        var idx = picked.ToArray();
        return (Images(idx), Labels(idx));
    }

    private void Shuffle()
    {
        for (int i = _order.Length - 1; i > 0; i--)
        {
            int j = _random.Next(i + 1);
            (_order[i], _order[j]) = (_order[j], _order[i]);
        }
    }

    private NDArray Images(int[] idx)
    {
        var data = new float[idx.Length * _featureSize];
        for (int k = 0; k < idx.Length; k++)
            System.Array.Copy(_images, (long)idx[k] * _featureSize, data, (long)k * _featureSize, _featureSize);
        var dims = new long[] { idx.Length }.Concat(_imageShape.Select(d => (long)d)).ToArray();
        return NDArrayConversion.ToNDArray(HostTensor.FromArray(data, dims));
    }

    private NDArray Labels(int[] idx)
    {
        if (!_oneHot) return NDArrayConversion.ToNDArray(HostTensor.FromArray(idx.Select(i => _labels[i]).ToArray(), idx.Length));
        var data = new float[idx.Length * 10];
        for (int k = 0; k < idx.Length; k++) data[k * 10 + _labels[idx[k]]] = 1f;
        return NDArrayConversion.ToNDArray(HostTensor.FromArray(data, idx.Length, 10));
    }
}
