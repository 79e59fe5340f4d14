using System.Collections.Concurrent;
using System.Globalization;
using Google.Protobuf;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Proto;

namespace GraphEngine.Runtime.Io.Records;

/// <summary>
/// Writes <c>events.out.tfevents.&lt;seconds&gt;.&lt;host&gt;</c> files (TF: core/util/events_writer.cc and
/// python/summary/writer/event_file_writer.py). Events are serialized on the caller's thread and
/// written by a background thread, so a training loop only pays for a queue hand-off; the queue
/// holds at most <c>maxQueue</c> events (a full queue makes the caller wait, as TF's does) and the
/// file is flushed at least every <c>flushSecs</c>.
/// </summary>
/// <remarks>
/// An event file is an append-only log read while it grows (TensorBoard tails it), so it is
/// written in place rather than via temp file + rename; each record is self-checking, and a
/// crash can only leave a truncated last record, which readers report as DataLoss.
/// </remarks>
public sealed class EventFileWriter : IDisposable
{
    private sealed record Item(byte[]? Record, TaskCompletionSource? FlushDone);

    private readonly BlockingCollection<Item> _queue;
    private readonly TfRecordWriter _records;
    private readonly FileStream _file;
    private readonly Thread _thread;
    private readonly TimeSpan _flushInterval;
    private volatile Exception? _failure;
    private bool _closed;

    public EventFileWriter(string logdir, int maxQueue = 10, double flushSecs = 120, string filenameSuffix = "")
    {
        if (maxQueue < 1) throw new InvalidArgumentException($"FileWriter max_queue must be >= 1, got {maxQueue}.");
        if (!(flushSecs > 0)) throw new InvalidArgumentException($"FileWriter flush_secs must be > 0, got {flushSecs}.");
        Directory.CreateDirectory(logdir);
        var now = DateTimeOffset.UtcNow;
        long seconds = now.ToUnixTimeSeconds();
        string host = System.Net.Dns.GetHostName();
        string baseName = Path.Combine(logdir, $"events.out.tfevents.{seconds.ToString("D10", CultureInfo.InvariantCulture)}.{host}{filenameSuffix}");
        // Two writers started in the same second in one directory must not share a file.
        string path = baseName;
        for (int i = 1; File.Exists(path); i++) path = baseName + "." + i.ToString(CultureInfo.InvariantCulture);
        Path_ = path;
        _file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read | FileShare.Delete, 1 << 16);
        _records = new TfRecordWriter(_file);
        // The first record says which event format follows (events_writer.cc: kVersionPrefix + 2).
        _records.Write(new Event { WallTime = seconds, FileVersion = "brain.Event:2" }.ToByteArray());
        _file.Flush();
        _queue = new BlockingCollection<Item>(maxQueue);
        _flushInterval = TimeSpan.FromSeconds(flushSecs);
        _thread = new Thread(Drain) { IsBackground = true, Name = "EventFileWriter " + Path.GetFileName(path) };
        _thread.Start();
    }

    /// <summary>The file being written.</summary>
    public string Path_ { get; }

    /// <summary>Queues <paramref name="e"/> for writing; its wall_time is set to now when unset.</summary>
    public void AddEvent(Event e)
    {
        ThrowIfFailed();
        if (_closed) throw new FailedPreconditionException($"Cannot add an event to the closed event file '{Path_}'.");
        if (e.WallTime == 0) e.WallTime = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        try { _queue.Add(new Item(e.ToByteArray(), null)); }
        catch (InvalidOperationException) // closed by another thread between the check and the add
        {
            throw new FailedPreconditionException($"Cannot add an event to the closed event file '{Path_}'.");
        }
    }

    /// <summary>Writes every queued event and flushes the file to the OS.</summary>
    public void Flush()
    {
        ThrowIfFailed();
        if (_closed) return;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        try { _queue.Add(new Item(null, done)); }
        catch (InvalidOperationException) { return; } // closed meanwhile: Close flushed everything
        done.Task.Wait();
        ThrowIfFailed();
    }

    /// <summary>Flushes and closes the file; later events are refused.</summary>
    public void Close()
    {
        if (_closed) return;
        _closed = true;
        _queue.CompleteAdding();
        _thread.Join();
        _records.Dispose();
        ThrowIfFailed();
    }

    public void Dispose() => Close();

    private void Drain()
    {
        var lastFlush = DateTime.UtcNow;
        try
        {
            while (!_queue.IsCompleted)
            {
                var wait = _flushInterval - (DateTime.UtcNow - lastFlush);
                if (wait < TimeSpan.Zero) wait = TimeSpan.Zero;
                if (_queue.TryTake(out var item, wait))
                {
                    if (item.Record != null) _records.Write(item.Record);
                    if (item.FlushDone != null)
                    {
                        FlushNow(ref lastFlush);
                        item.FlushDone.SetResult();
                        continue;
                    }
                }
                if (DateTime.UtcNow - lastFlush >= _flushInterval) FlushNow(ref lastFlush);
            }
            _file.Flush();
        }
        catch (InvalidOperationException) when (_queue.IsCompleted)
        {
            _file.Flush();
        }
        catch (Exception e)
        {
            _failure = new DataLossException($"Writing the event file '{Path_}' failed: {e.Message}", e);
            // Release callers waiting on a flush; further adds see _failure.
            while (_queue.TryTake(out var pending)) pending.FlushDone?.TrySetResult();
        }
    }

    private void FlushNow(ref DateTime lastFlush)
    {
        _file.Flush();
        lastFlush = DateTime.UtcNow;
    }

    private void ThrowIfFailed()
    {
        if (_failure is { } f) throw new DataLossException(f.Message, f.InnerException);
    }
}
