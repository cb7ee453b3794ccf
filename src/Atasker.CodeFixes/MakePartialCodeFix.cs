using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Atasker.Generators.Validation;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;

namespace Atasker.CodeFixes;

/// <summary>Adds <c>partial</c> to a background method (ATSK0001) or to a type around one (ATSK0002).</summary>
[ExportCodeFixProvider(Microsoft.CodeAnalysis.LanguageNames.CSharp, Name = nameof(MakePartialCodeFix))]
[Shared]
public sealed class MakePartialCodeFix : CodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } =
        ImmutableArray.Create(DiagnosticIds.MethodNotPartial, DiagnosticIds.ContainingTypeNotPartial);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            var node = root.FindToken(diagnostic.Location.SourceSpan.Start).Parent;
            SyntaxNode? declaration = diagnostic.Id == DiagnosticIds.MethodNotPartial
                ? node?.FirstAncestorOrSelf<MethodDeclarationSyntax>()
                : node?.FirstAncestorOrSelf<TypeDeclarationSyntax>();
            if (declaration is null)
            {
                continue;
            }

            string name = declaration is MethodDeclarationSyntax method ? method.Identifier.ValueText : ((TypeDeclarationSyntax)declaration).Identifier.ValueText;
            context.RegisterCodeFix(
                CodeAction.Create(
                    $"Make '{name}' partial",
                    cancellationToken => AddPartialAsync(context.Document, declaration, cancellationToken),
                    equivalenceKey: diagnostic.Id),
                diagnostic);
        }
    }

    private static async Task<Document> AddPartialAsync(Document document, SyntaxNode declaration, CancellationToken cancellationToken)
    {
        var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        var generator = editor.Generator;
        editor.SetModifiers(declaration, generator.GetModifiers(declaration).WithPartial(true));
        return editor.GetChangedDocument();
    }
}
