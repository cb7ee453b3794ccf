namespace Atasker.Generators.Model;

/// <summary>One parameter of a task method.</summary>
/// <param name="Name">The name, escaped when a keyword.</param>
/// <param name="Type">The type, fully qualified with its nullable annotation.</param>
/// <param name="Modifiers">Leading modifiers such as <c>this</c>, <c>params</c> or <c>ref</c> (only in methods with
/// an error), each with a trailing space; or empty.</param>
/// <param name="DefaultValue">The default value as a C# expression, or null.</param>
internal sealed record ParameterModel(string Name, string Type, string Modifiers, string? DefaultValue);
