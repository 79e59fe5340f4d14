using System.Runtime.InteropServices;

namespace GraphEngine.Ops.Core;

/// <summary>
/// A block of host memory holding tensor elements: 64-byte aligned, pinned, span-accessible.
/// Pooled buffers come from <see cref="BufferPool"/> and go back to it when the last holder
/// releases them; external buffers wrap memory someone else owns (a fed NDArray) and are never pooled.
/// </summary>
public sealed unsafe class TensorBuffer
{
    public const int Alignment = 64;

    private readonly byte[]? _pooledArray;
    private readonly object? _keepAlive;
    private int _refCount;
    private MemoryBudget? _budget;

    private TensorBuffer(nint address, long byteLength, byte[]? pooledArray, object? keepAlive)
    {
        Address = address;
        _byteLength = byteLength;
        _pooledArray = pooledArray;
        _keepAlive = keepAlive;
    }

    /// <summary>Start of the data; stable for the buffer's lifetime (pinned or native).</summary>
    public nint Address { get; }

    private long _byteLength;

    /// <summary>Bytes the tensor uses (the pooled block may be larger).</summary>
    public long ByteLength => _byteLength;

    /// <summary>
    /// The tensor object <see cref="HostTensor.Allocate"/> created over this buffer. Once every hold is
    /// released nobody may use the buffer or that tensor any more, so when the pool hands the buffer out
    /// again the tensor object is re-shaped and reused instead of allocating a new one (views made by
    /// Reshaped are other objects and are never reused).
    /// </summary>
    internal HostTensor? PrimaryView { get; set; }

    /// <summary>Makes a pooled buffer that nobody holds serve a new tensor of <paramref name="byteLength"/> bytes.</summary>
    internal void Reuse(long byteLength)
    {
        if (Volatile.Read(ref _refCount) != 0) throw new InternalException($"A pooled tensor buffer was handed out while still held ({_refCount} holds).");
        _byteLength = byteLength;
        // The views made in the buffer's previous life died with its last hold: they may be handed out again.
        if (_views != null)
            lock (_views) _viewsInUse = 0;
    }

    // Reshaped views made over this buffer (at most MaxViews kept); the first _viewsInUse belong to its current life.
    private List<HostTensor>? _views;
    private int _viewsInUse;
    private const int MaxViews = 8;

    /// <summary>A view object of this life that can be re-shaped to <paramref name="rank"/> dims, or null (then the caller makes one and offers it).</summary>
    internal HostTensor? TakeSpareView(int rank)
    {
        if (_views == null) return null;
        lock (_views)
        {
            for (int i = _viewsInUse; i < _views.Count; i++)
            {
                var v = _views[i];
                if (!v.FitsRank(rank)) continue;
                (_views[i], _views[_viewsInUse]) = (_views[_viewsInUse], v);
                _viewsInUse++;
                return v;
            }
        }
        return null;
    }

    /// <summary>Remembers a new view so a later life of this buffer can reuse the object.</summary>
    internal void OfferView(HostTensor view)
    {
        if (!IsPooled) return;
        var views = _views;
        if (views == null) Interlocked.CompareExchange(ref _views, new List<HostTensor>(2), null);
        views = _views!;
        lock (views)
        {
            if (views.Count >= MaxViews) return;
            views.Add(view);
            (views[^1], views[_viewsInUse]) = (views[_viewsInUse], views[^1]);
            _viewsInUse++;
        }
    }

    /// <summary>True for buffers the engine owns and may reuse or write in place.</summary>
    public bool IsPooled => _pooledArray != null;

    internal byte[]? PooledArray => _pooledArray;

    internal static TensorBuffer FromPool(byte[] array, long byteLength)
    {
        nint raw = Marshal.UnsafeAddrOfPinnedArrayElement(array, 0);
        nint aligned = (raw + (Alignment - 1)) & ~(nint)(Alignment - 1);
        return new TensorBuffer(aligned, byteLength, array, null);
    }

    /// <summary>Wraps memory owned elsewhere; <paramref name="owner"/> is kept alive while the buffer is.</summary>
    public static TensorBuffer External(nint address, long byteLength, object owner) => new(address, byteLength, null, owner);

    public Span<byte> Bytes => new((void*)Address, checked((int)ByteLength));

    public Span<T> AsSpan<T>(long count) where T : unmanaged => new((void*)Address, checked((int)count));

    /// <summary>Count of holders (executor slots, variables). Buffers nobody retained are simply collected.</summary>
    public int RefCount => Volatile.Read(ref _refCount);

    public void Retain() => Interlocked.Increment(ref _refCount);

    /// <summary>Drops one hold; the last release returns a pooled buffer to the pool.</summary>
    public void Release()
    {
        int left = Interlocked.Decrement(ref _refCount);
        if (left == 0)
        {
            DetachBudget();
            if (_pooledArray != null) BufferPool.Shared.Return(this);
        }
        else if (left < 0) throw new InternalException("Tensor buffer released more often than retained.");
    }

    internal object? KeepAlive => _keepAlive;

    /// <summary>Records that this buffer's bytes were charged to <paramref name="budget"/> (credited back once, by <see cref="DetachBudget"/>).</summary>
    public void AttachBudget(MemoryBudget budget) => _budget = budget;

    /// <summary>Credits the bytes back to the budget they were charged to, if any; later calls do nothing.</summary>
    public void DetachBudget() => Interlocked.Exchange(ref _budget, null)?.Credit(ByteLength);
}

/// <summary>
/// Size-class pool of pinned, aligned host buffers. Reusing blocks across steps keeps steady-state
/// runs free of large allocations and of GC pressure from tensors.
/// </summary>
public sealed class BufferPool
{
    public static BufferPool Shared { get; } = new();

    // Blocks up to 2^30 bytes are pooled; larger ones are allocated exactly and left to the GC.
    private const int MaxPooledClass = 30;
    private const int MaxKeptPerClass = 64;
    // The buffer objects themselves are kept (not just their arrays), so a steady-state step allocates no buffer objects.
    private readonly Stack<TensorBuffer>[] _classes = Enumerable.Range(0, MaxPooledClass + 1).Select(_ => new Stack<TensorBuffer>()).ToArray();

    private static int SizeClass(long bytes)
    {
        if (bytes <= 64) return 6;
        return 64 - System.Numerics.BitOperations.LeadingZeroCount((ulong)(bytes - 1));
    }

    /// <summary>A buffer of at least <paramref name="byteLength"/> bytes; contents are unspecified.</summary>
    public TensorBuffer Rent(long byteLength)
    {
        if (byteLength < 0) throw new InvalidArgumentException($"Cannot allocate a buffer of {byteLength} bytes.");
        if (byteLength > System.Array.MaxLength - TensorBuffer.Alignment)
            throw new ResourceExhaustedException($"OOM when allocating a tensor of {byteLength} bytes: host buffers are limited to {System.Array.MaxLength - TensorBuffer.Alignment} bytes.");
        int cls = SizeClass(byteLength);
        if (cls <= MaxPooledClass)
        {
            var stack = _classes[cls];
            TensorBuffer? pooled = null;
            lock (stack)
                if (stack.Count > 0) pooled = stack.Pop();
            if (pooled != null)
            {
                pooled.Reuse(byteLength);
                return pooled;
            }
            return TensorBuffer.FromPool(AllocatePinned((1L << cls) + TensorBuffer.Alignment), byteLength);
        }
        return TensorBuffer.FromPool(AllocatePinned(byteLength + TensorBuffer.Alignment), byteLength);
    }

    private static byte[] AllocatePinned(long size)
    {
        try
        {
            return GC.AllocateUninitializedArray<byte>(checked((int)size), pinned: true);
        }
        catch (OutOfMemoryException e)
        {
            throw new ResourceExhaustedException($"OOM when allocating a host buffer of {size} bytes.", e);
        }
    }

    internal void Return(TensorBuffer buffer)
    {
        var array = buffer.PooledArray!;
        int cls = SizeClass(array.Length - TensorBuffer.Alignment);
        if (cls > MaxPooledClass || (1L << cls) + TensorBuffer.Alignment != array.Length) return;
        var stack = _classes[cls];
        lock (stack)
            if (stack.Count < MaxKeptPerClass) stack.Push(buffer);
    }
}
