using GraphEngine.Ops.Core;
using NumSharp;

namespace GraphEngine;

public sealed partial class Session
{
    /// <summary>
    /// TF1's <c>sess.run([merged, train_op, loss], feed)</c> for a string summary fetch: NumSharp
    /// has no string arrays, so the serialized summary comes back as bytes beside the other
    /// fetches' values (null for operations), all from one step.
    /// </summary>
    public (byte[] summary, NDArray?[] values) run_with_summary(Tensor summary, ITensorOrOperation[] fetches, FeedDict? feed_dict = null)
    {
        var all = new ITensorOrOperation[fetches.Length + 1];
        all[0] = summary;
        fetches.CopyTo(all, 1);
        var tensors = RunTensors(all, Feeds(feed_dict ?? new FeedDict()));
        var s = tensors[0]!;
        if (s.Strings is not { Length: 1 } strings)
            throw new InvalidArgumentException($"Summary fetch '{summary.name}' must be a scalar string tensor, got {s.DType.Name()} of shape {s.Shape}.");
        var values = new NDArray?[fetches.Length];
        for (int i = 0; i < fetches.Length; i++)
        {
            if (tensors[i + 1] is not { } t) continue;
            values[i] = NDArrayConversion.ToNDArray(t);
            t.Buffer?.Release();
        }
        return (strings[0], values);
    }
}
