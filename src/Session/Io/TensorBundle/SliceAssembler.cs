using GraphEngine.Ops.Core;
using GraphEngine.Ops.Proto;

namespace GraphEngine.Runtime.Io.TensorBundle;

/// <summary>
/// Reads a partitioned variable (an entry with <c>slices</c>) by reading each stored slice under
/// its <see cref="SliceKey"/> and copying it into place in the full tensor. The slices must lie
/// inside the full shape and cover it exactly once; anything else is DataLoss.
/// </summary>
internal static class SliceAssembler
{
    public delegate HostTensor ReadStored(string displayName, BundleEntryProto entry);

    public static HostTensor Assemble(string name, BundleEntryProto full, TensorShape fullShape,
        Func<byte[], BundleEntryProto?> lookup, ReadStored read, string indexPath)
    {
        var dtype = (DType)(int)full.Dtype;
        var dims = fullShape.ToArray();
        long total = fullShape.NumElements;
        // Every slice is read (and so checked against the data files) before the full tensor is
        // allocated: a corrupt index cannot make us allocate more than the files really hold.
        var parts = new List<(long[] Start, long[] Size, HostTensor Part)>(full.Slices.Count);
        long covered = 0;
        foreach (var slice in full.Slices)
        {
            var (start, size) = Extents(name, slice, dims, indexPath);
            string sliceName = $"{name} slice [{string.Join(",", start.Zip(size, (s, l) => $"{s}:{s + l}"))}]";
            var entry = lookup(SliceKey.Encode(name, slice))
                ?? throw new DataLossException($"Partitioned tensor '{name}' in '{indexPath}' lists {sliceName}, but the index has no entry for it.");
            if (entry.Dtype != full.Dtype)
                throw new DataLossException($"{sliceName} in '{indexPath}' has dtype {entry.Dtype}, the full tensor {full.Dtype}.");
            var part = read(sliceName, entry);
            if (!part.Dims.SequenceEqual(size))
                throw new DataLossException($"{sliceName} in '{indexPath}' has shape {part.Shape}, expected [{string.Join(",", size)}].");
            parts.Add((start, size, part));
            covered += part.NumElements;
        }
        // With no two slices overlapping, exact coverage is an element count check.
        for (int i = 0; i < parts.Count; i++)
            for (int j = 0; j < i; j++)
                if (Overlap(parts[i].Start, parts[i].Size, parts[j].Start, parts[j].Size))
                    throw new DataLossException($"Slices {j} and {i} of partitioned tensor '{name}' in '{indexPath}' overlap.");
        if (covered != total)
            throw new DataLossException($"The {full.Slices.Count} slices of partitioned tensor '{name}' in '{indexPath}' cover {covered} of its {total} elements.");
        var result = HostTensor.Allocate(dtype, dims);
        foreach (var (start, size, part) in parts) CopyInto(result, part, start, size, dims);
        return result;
    }

    private static (long[] Start, long[] Size) Extents(string name, TensorSliceProto slice, long[] dims, string indexPath)
    {
        if (slice.Extent.Count != dims.Length)
            throw new DataLossException($"A slice of partitioned tensor '{name}' in '{indexPath}' has rank {slice.Extent.Count}, the tensor {dims.Length}.");
        var start = new long[dims.Length];
        var size = new long[dims.Length];
        for (int d = 0; d < dims.Length; d++)
        {
            var e = slice.Extent[d];
            bool whole = e.HasLengthCase == TensorSliceProto.Types.Extent.HasLengthOneofCase.None;
            start[d] = whole ? 0 : e.Start;
            size[d] = whole ? dims[d] : e.Length;
            if (start[d] < 0 || size[d] < 0 || start[d] > dims[d] || size[d] > dims[d] - start[d])
                throw new DataLossException($"A slice of partitioned tensor '{name}' in '{indexPath}' spans [{start[d]}, {start[d] + size[d]}) in dimension {d} of size {dims[d]}.");
        }
        return (start, size);
    }

    private static bool Overlap(long[] startA, long[] sizeA, long[] startB, long[] sizeB)
    {
        for (int d = 0; d < startA.Length; d++)
            if (startA[d] >= startB[d] + sizeB[d] || startB[d] >= startA[d] + sizeA[d]) return false;
        return true;
    }

    /// <summary>Copies the slice row by row: each innermost run of the slice is contiguous in both tensors.</summary>
    private static void CopyInto(HostTensor full, HostTensor part, long[] start, long[] size, long[] dims)
    {
        int rank = dims.Length;
        if (part.NumElements == 0) return;
        if (rank == 0)
        {
            CopyRun(full, part, 0, 0, 1);
            return;
        }
        var strides = new long[rank];
        strides[rank - 1] = 1;
        for (int d = rank - 2; d >= 0; d--) strides[d] = strides[d + 1] * dims[d + 1];
        long run = size[rank - 1];
        long rows = part.NumElements / run;
        var index = new long[rank - 1];
        for (long row = 0; row < rows; row++)
        {
            long dest = start[rank - 1];
            for (int d = 0; d < rank - 1; d++) dest += (start[d] + index[d]) * strides[d];
            CopyRun(full, part, row * run, dest, run);
            for (int d = rank - 2; d >= 0; d--)
            {
                if (++index[d] < size[d]) break;
                index[d] = 0;
            }
        }
    }

    private static void CopyRun(HostTensor full, HostTensor part, long from, long to, long count)
    {
        if (full.Strings != null)
        {
            Array.Copy(part.Strings!, from, full.Strings, to, count);
            return;
        }
        int width = full.DType.Size();
        part.Buffer!.Bytes.Slice((int)(from * width), (int)(count * width))
            .CopyTo(full.Buffer!.Bytes[(int)(to * width)..]);
    }
}
