// Parses Jenkinsfiles with Groovy's own compiler up to the CONVERSION phase (syntax + AST, no class
// resolution, so no Jenkins plugins are needed) and checks the declarative shape and the handling of secrets:
//   - the file is one top-level `pipeline { … }` block with `agent` and `stages`, and every stage is named;
//   - variables bound by withCredentials are never interpolated by Groovy ("${SECRET}" puts the secret on
//     the command line and in the build log) and never passed to `echo`;
//   - every `sh` script inside withCredentials starts with `set +x`;
//   - with --expect-stages a,b,c the listed stage names appear in that order (in every file given).
// Usage: groovy scripts/check-jenkinsfile.groovy [--expect-stages "A,B"] Jenkinsfile [more …]
// Exit code 0 when every file passes, 1 otherwise; findings are printed as file:line: message.
import org.codehaus.groovy.ast.ASTNode
import org.codehaus.groovy.ast.CodeVisitorSupport
import org.codehaus.groovy.ast.expr.*
import org.codehaus.groovy.ast.stmt.BlockStatement
import org.codehaus.groovy.ast.stmt.ExpressionStatement
import org.codehaus.groovy.control.CompilationUnit
import org.codehaus.groovy.control.CompilerConfiguration
import org.codehaus.groovy.control.MultipleCompilationErrorsException
import org.codehaus.groovy.control.Phases

List<String> expectedStages = null
def files = []
for (int i = 0; i < args.length; i++) {
    if (args[i] == '--expect-stages' && i + 1 < args.length) {
        expectedStages = args[++i].split(',').collect { it.trim() }.findAll { it }
    } else {
        files << args[i]
    }
}
if (files.isEmpty()) {
    System.err.println('usage: groovy check-jenkinsfile.groovy [--expect-stages "A,B"] FILE…')
    System.exit(2)
}

class Finding { String file; int line; String message }

class PipelineVisitor extends CodeVisitorSupport {
    String file
    List<Finding> findings = []
    List<String> stages = []
    Deque<Set<String>> credentialScopes = new ArrayDeque<>()

    void report(ASTNode node, String message) { findings << new Finding(file: file, line: node.lineNumber, message: message) }

    Set<String> secrets() { credentialScopes.inject(new HashSet<String>()) { acc, s -> acc.addAll(s); acc } }

    static Map<String, Expression> namedArgs(MethodCallExpression call) {
        def result = [:]
        def args = call.arguments
        def exprs = args instanceof TupleExpression ? args.expressions : [args]
        exprs.each { e ->
            if (e instanceof MapExpression) e.mapEntryExpressions.each { result[it.keyExpression.text] = it.valueExpression }
        }
        result
    }

    static List<Expression> positional(MethodCallExpression call) {
        def args = call.arguments
        args instanceof TupleExpression ? args.expressions.findAll { !(it instanceof MapExpression) } : [args]
    }

    // Variables a binding like usernamePassword(usernameVariable: 'U', passwordVariable: 'P') introduces.
    static Set<String> boundVariables(Expression list) {
        def names = new HashSet<String>()
        def items = list instanceof ListExpression ? list.expressions : [list]
        items.each { item ->
            if (item instanceof MethodCallExpression) {
                namedArgs(item).each { k, v ->
                    if ((k == 'variable' || k.endsWith('Variable')) && v instanceof ConstantExpression) names << v.value.toString()
                }
            }
        }
        names
    }

    static String scriptText(Expression e) {
        if (e instanceof ConstantExpression) return e.value?.toString()
        if (e instanceof GStringExpression) return e.text
        null
    }

    @Override
    void visitMethodCallExpression(MethodCallExpression call) {
        String name = call.methodAsString
        if (name == 'stage') {
            def first = positional(call).find { true }
            if (first instanceof ConstantExpression) stages << first.value.toString()
            else report(call, 'stage without a constant name')
        }
        if (name == 'withCredentials') {
            def first = positional(call).find { true }
            credentialScopes.push(first == null ? new HashSet<String>() : boundVariables(first))
            super.visitMethodCallExpression(call)
            credentialScopes.pop()
            return
        }
        if (!credentialScopes.isEmpty() && name == 'sh') {
            def arg = positional(call).find { true }
            def script = arg instanceof MapExpression ? null : scriptText(arg)
            if (script == null) namedArgs(call)['script']?.with { script = scriptText(it) }
            if (script != null && !script.stripIndent().trim().startsWith('set +x')) {
                report(call, 'sh inside withCredentials must start with `set +x` so the shell never traces secrets')
            }
        }
        if (name == 'echo' && !credentialScopes.isEmpty()) {
            def refs = referencedNames(call.arguments)
            def leaked = refs.intersect(secrets())
            if (leaked) report(call, "echo of credential variable(s) ${leaked.sort().join(', ')}")
        }
        super.visitMethodCallExpression(call)
    }

    static Set<String> referencedNames(Expression e) {
        def names = new HashSet<String>()
        e.visit(new CodeVisitorSupport() {
            void visitVariableExpression(VariableExpression v) { names << v.name }
            void visitPropertyExpression(PropertyExpression p) {
                names << p.propertyAsString
                super.visitPropertyExpression(p)
            }
        })
        names
    }

    @Override
    void visitGStringExpression(GStringExpression g) {
        def secretNames = secrets()
        if (!secretNames.isEmpty()) {
            def leaked = g.values.collectMany { referencedNames(it) as List }.toSet().intersect(secretNames)
            if (leaked) report(g, "Groovy interpolation of credential variable(s) ${leaked.sort().join(', ')}: use single quotes and let the shell expand them")
        }
        super.visitGStringExpression(g)
    }
}

int failures = 0
files.each { String path ->
    def file = new File(path)
    if (!file.isFile()) {
        System.err.println("${path}: no such file")
        failures++
        return
    }
    def unit = new CompilationUnit(new CompilerConfiguration())
    unit.addSource(file)
    try {
        unit.compile(Phases.CONVERSION)
    } catch (MultipleCompilationErrorsException e) {
        System.err.println("${path}: does not parse as Groovy:\n${e.message}")
        failures++
        return
    }
    def module = unit.AST.modules[0]
    def statements = module.statementBlock.statements
    def findings = []
    def top = statements.findAll { it instanceof ExpressionStatement && it.expression instanceof MethodCallExpression }
                        .collect { it.expression as MethodCallExpression }
    def pipelineCall = top.find { it.methodAsString == 'pipeline' }
    if (pipelineCall == null || statements.size() != 1) {
        findings << new Finding(file: path, line: 1, message: 'expected exactly one top-level `pipeline { … }` block')
    } else {
        def body = PipelineVisitor.positional(pipelineCall).find { it instanceof ClosureExpression } as ClosureExpression
        def sections = (body?.code instanceof BlockStatement ? (body.code as BlockStatement).statements : [])
            .findAll { it instanceof ExpressionStatement && it.expression instanceof MethodCallExpression }
            .collect { (it.expression as MethodCallExpression).methodAsString }
        ['agent', 'stages'].each { required ->
            if (!sections.contains(required)) findings << new Finding(file: path, line: pipelineCall.lineNumber, message: "pipeline has no `${required}` section")
        }
    }
    def visitor = new PipelineVisitor(file: path)
    module.statementBlock.visit(visitor)
    findings.addAll(visitor.findings)
    if (expectedStages != null) {
        def want = expectedStages
        def got = visitor.stages.findAll { want.contains(it) }
        if (got != want) {
            def missing = want - visitor.stages
            findings << new Finding(file: path, line: 1, message: missing ? "missing stage(s): ${missing.join(', ')}" : "stages out of order: ${got.join(' → ')}")
        }
    }
    findings.each { System.err.println("${it.file}:${it.line}: ${it.message}") }
    if (findings) failures++
    else println("ok    ${path}: ${visitor.stages.size()} stages (${visitor.stages.join(' → ')})")
}
System.exit(failures == 0 ? 0 : 1)
