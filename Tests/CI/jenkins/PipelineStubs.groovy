import groovy.json.JsonSlurper

/**
 * Minimal stand-ins for the pipeline steps jenkins/vars/ecrPublish.groovy calls, as the base
 * class it is compiled against (compiler.groovy): a call to any other step fails to resolve.
 * `sh` really runs its script as Jenkins does (`sh -xe`, dash on Debian) in the workspace, with the environment the
 * surrounding withCredentials / withAWS blocks set; every call is recorded in `calls`
 * (credential ids and variable names, never secret values).
 */
abstract class PipelineStubs extends Script {
    static String workspace = '.'
    static Map<String, String> environment = [:]
    /** Credentials by id: [secret: '…'] for string, [file: 'contents'] for file, [accessKey:, secretKey:] for AWS. */
    static Map<String, Map> credentials = [:]
    static List<Map> calls = []

    Map<String, String> getEnv() { environment }

    def sh(Map arguments) {
        calls << [step: 'sh', script: arguments.script, env: environment.findAll { it.key in ['GITOPS_TOKEN', 'COSIGN_PASSWORD', 'ECR_PUBLISH_SIGN_KEY', 'AWS_ACCESS_KEY_ID', 'AWS_REGION', 'AWS_DEFAULT_REGION'] }.collectEntries { [(it.key): it.key == 'AWS_REGION' || it.key == 'AWS_DEFAULT_REGION' ? it.value : 'set'] }]
        def process = new ProcessBuilder(['sh', '-xe', '-c', arguments.script as String]).directory(new File(workspace))
        process.environment().clear()
        process.environment().putAll(environment)
        process.redirectErrorStream(true)
        def started = process.start()
        String output = started.inputStream.text
        int status = started.waitFor()
        System.err.print(output)
        if (arguments.returnStatus) { return status }
        if (status != 0) { throw new RuntimeException("script returned exit code ${status}") }
        return arguments.returnStdout ? output : null
    }

    def withCredentials(List bindings, Closure body) {
        calls << [step: 'withCredentials', bindings: bindings.collect { it.findAll { it.key != 'secret' } }]
        Map<String, String> saved = new LinkedHashMap(environment)
        try {
            bindings.each { binding ->
                Map credential = credentials[binding.credentialsId as String]
                if (credential == null) { throw new RuntimeException("no credentials with id ${binding.credentialsId}") }
                switch (binding.$class) {
                    case 'StringBinding': environment[binding.variable as String] = credential.secret; break
                    case 'FileBinding':
                        File file = File.createTempFile('secret', '.key')
                        file.deleteOnExit()
                        file.text = credential.file
                        environment[binding.variable as String] = file.path
                        break
                    case 'AmazonWebServicesCredentialsBinding':
                        environment[binding.accessKeyVariable as String] = credential.accessKey
                        environment[binding.secretKeyVariable as String] = credential.secretKey
                        break
                    default: throw new RuntimeException("unknown binding ${binding.$class}")
                }
            }
            return body()
        } finally {
            environment.clear()
            environment.putAll(saved)
        }
    }

    def string(Map arguments) { [$class: 'StringBinding'] + arguments }

    def file(Map arguments) { [$class: 'FileBinding'] + arguments }

    def withAWS(Map arguments, Closure body) {
        calls << [step: 'withAWS', arguments: arguments]
        Map<String, String> saved = new LinkedHashMap(environment)
        try {
            if (arguments.region) {
                environment.AWS_REGION = arguments.region as String
                environment.AWS_DEFAULT_REGION = arguments.region as String
            }
            return body()
        } finally {
            environment.clear()
            environment.putAll(saved)
        }
    }

    def readJSON(Map arguments) {
        calls << [step: 'readJSON', file: arguments.file]
        new JsonSlurper().parse(new File(workspace, arguments.file as String))
    }

    def archiveArtifacts(Map arguments) { calls << [step: 'archiveArtifacts'] + arguments }

    def unstable(String message) { calls << [step: 'unstable', message: message] }

    def echo(String message) { calls << [step: 'echo', message: message] }

    def error(String message) {
        calls << [step: 'error', message: message]
        throw new StepError(message)
    }
}

/** What Jenkins' error step throws (hudson.AbortException). */
class StepError extends RuntimeException {
    StepError(String message) { super(message) }
}
