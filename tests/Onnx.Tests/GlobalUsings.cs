// ONNX Runtime's Tensors namespace has its own static Tensor class: ours is the one meant here.
global using Tensor = GraphEngine.Tensor;
global using Variable = GraphEngine.Variable;
global using Microsoft.VisualStudio.TestTools.UnitTesting;
