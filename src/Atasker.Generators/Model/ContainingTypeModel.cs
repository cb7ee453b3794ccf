namespace Atasker.Generators.Model;

/// <summary>A type around a task method, reproduced as a partial declaration.</summary>
/// <param name="Keyword">What it is: <c>class</c>, <c>struct</c>, <c>ref struct</c>, <c>record</c>, <c>record struct</c> or <c>interface</c>.</param>
/// <param name="Declaration">Its name as declared, e.g. <c>Box&lt;T&gt;</c> (with variance for interfaces: <c>ISource&lt;out T&gt;</c>).</param>
/// <param name="Reference">Its name as a type, e.g. <c>Box&lt;T&gt;</c>.</param>
internal sealed record ContainingTypeModel(string Keyword, string Declaration, string Reference);
