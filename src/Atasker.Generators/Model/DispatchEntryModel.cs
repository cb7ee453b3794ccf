namespace Atasker.Generators.Model;

/// <summary>One case of the process dispatcher: a method id and the invoker to call for it.</summary>
/// <param name="Id">The method's stable id.</param>
/// <param name="Invoker">The invoker, fully qualified.</param>
internal sealed record DispatchEntryModel(ulong Id, string Invoker);
