using GraphEngine.Ops.Core;
using GraphEngine.Ops.Model;
using GraphEngine.Ops.Model.Serialization;
using GraphEngine.Runtime.Io;
using GraphEngine.Runtime.Io.TensorBundle;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using NumSharp;

namespace GraphEngine.Tests.Reliability;

/// <summary>
/// The bad-input catalog: each case builds or runs something wrong and must fail with exactly the
/// engine's typed error whose message names what is wrong (the op, the tensor or the file) and the
/// offending values. Cases are data: add one for every bug found.
/// </summary>
[TestClass]
public sealed partial class BadInputCatalogTests
{
    public sealed record Case(string Name, Type Expected, string[] MessageContains, Action<string> Act)
    {
        public override string ToString() => Name;
    }

    private static Case C<TException>(string name, Action<string> act, params string[] contains) where TException : GraphEngineException =>
        new(name, typeof(TException), contains, act);

    public static IEnumerable<object[]> Data => Cases.Select(c => new object[] { c });

    [TestMethod]
    [DynamicData(nameof(Data))]
    public void Fails_with_a_typed_error_naming_the_culprit(Case c)
    {
        var dir = Directory.CreateTempSubdirectory("ge-bad-").FullName;
        try
        {
            using var _ = new GraphEngine.Graph().as_default();
            var e = Assert.Throws<GraphEngineException>(() => c.Act(dir), c.Name);
            Assert.AreEqual(c.Expected, e.GetType(), $"{c.Name}: {e.GetType().Name}: {e.Message}");
            foreach (var part in c.MessageContains)
                StringAssert.Contains(e.Message, part, $"{c.Name}: the message should name '{part}'");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [TestMethod]
    public void The_catalog_has_at_least_sixty_cases() => Assert.IsGreaterThanOrEqualTo(60, Cases.Count());

    private static GraphDef ParseGraph(string text) => GraphDefIO.ParseText(text);

    private static string SaveOneVariable(string dir, string name, float[] value, long[] shape)
    {
        using var _ = new GraphEngine.Graph().as_default();
        var v = tf.Variable(tf.constant(np.array(value).reshape(shape.Select(d => (int)d).ToArray())), name: name);
        var saver = tf.train.Saver();
        using var sess = tf.Session();
        sess.run(tf.global_variables_initializer());
        return saver.save(sess, Path.Combine(dir, "model.ckpt"));
    }
}
