// ecrPublish: the ecr-publish step for Jenkins pipelines (a shared-library global variable).
//
//   def published = ecrPublish(image: 'build/web.tar', repository: 'team/web', tagScheme: 'team',
//                              awsRole: 'arn:aws:iam::123456789012:role/ecr-publish-web', awsRegion: 'eu-west-1')
//   echo "pushed ${published.imageUri}: ${published.tags.join(', ')}"
//
// Every named parameter but the step's own (below) is a flag of `ecr-publish publish`, in
// camelCase or as written: gitopsRepo: 'URL' is --gitops-repo=URL, tag: ['v1', 'latest'] is
// --tag=v1 --tag=latest, createRepository: true is --create-repository (false adds nothing;
// use noScanOnPush: true for an inverted flag). Each argument is quoted for sh, so values
// reach the tool byte for byte. A .ecr-publish.yml in the workspace applies below them.
//
// The step's own parameters:
//   image                            the image tarball (required)
//   output                           artifact directory (default 'ecr-publish-output': SBOM, record, gitops.patch)
//   binary                           the ecr-publish executable (default 'ecr-publish' on PATH)
//   resultFile                       where the JSON report goes (default 'ecr-publish-result.json')
//   archive                          false: do not archive the SBOM, record and report
//   awsCredentialsId                 AWS keys credential (CloudBees AWS Credentials plugin), via withCredentials
//   awsRole, awsRegion, awsRoleSessionName, awsExternalId
//                                    assume a role / set the region with withAWS (Pipeline: AWS Steps plugin)
//   gitopsTokenCredentialsId         secret text credential: the GitOps HTTPS token (GITOPS_TOKEN)
//   signKeyCredentialsId             secret file credential: the cosign key (--sign-key)
//   signKeyPassphraseCredentialsId   secret text credential: the key's passphrase (COSIGN_PASSWORD)
//
// Returns [digest: 'sha256:…', tags: [...], imageUri: 'REGISTRY/REPO@sha256:…', report: <the JSON report>].
// Exit status 7 (pushed, but a later stage failed) marks the build unstable and still returns;
// any other failure fails the step with the tool's exit status.

import com.cloudbees.groovy.cps.NonCPS
import groovy.transform.Field

@Field static final List<String> STEP_PARAMETERS = [
    'image', 'output', 'binary', 'resultFile', 'archive', 'awsCredentialsId', 'awsRole', 'awsRegion', 'awsRoleSessionName',
    'awsExternalId', 'gitopsTokenCredentialsId', 'signKeyCredentialsId', 'signKeyPassphraseCredentialsId',
]

def call(Map parameters = [:]) {
    if (!parameters.image) {
        error('ecrPublish: give image, the tarball docker save wrote')
    }
    String resultFile = parameters.resultFile ?: 'ecr-publish-result.json'
    String output = parameters.containsKey('output') ? parameters.output : 'ecr-publish-output'
    String script = ecrPublishCommand(parameters, output, resultFile)

    int status = 0
    ecrPublishCredentials(parameters) {
        status = sh(script: script, returnStatus: true) as int
    }
    if (status != 0 && status != 7) {
        error("ecr-publish exited with status ${status}: see its error above (README, exit statuses)")
    }
    def report = readJSON(file: resultFile)
    if (parameters.archive != false) {
        archiveArtifacts(artifacts: ecrPublishArtifacts(report, output, resultFile), allowEmptyArchive: true, fingerprint: true)
    }
    if (status == 7) {
        unstable("ecr-publish: the image was pushed, but ${ecrPublishFailedStages(report)} failed (see the report)")
    }
    return ecrPublishResult(report)
}

/** The sh script: the binary, publish, the image, the flags, each argument quoted. */
@NonCPS
static String ecrPublishCommand(Map parameters, String output, String resultFile) {
    Map settings = parameters.findAll { !(it.key in STEP_PARAMETERS) }
    settings.output = output
    List<String> command = [(parameters.binary ?: 'ecr-publish') as String, 'publish', parameters.image as String] +
        ecrPublishFlags(settings) + ["--result-file=${resultFile}".toString()]
    return command.collect { ecrPublishQuote(it) }.join(' ')
}

/** Named parameters as publish flags: `--name=value` per value, `--flag` for true. */
@NonCPS
static List<String> ecrPublishFlags(Map settings) {
    List<String> flags = []
    settings.each { key, value ->
        if (value == null || value == false) {
            return
        }
        String flag = '--' + (key as String).replaceAll(/[A-Z]/) { String letter -> '-' + letter.toLowerCase() }
        if (value == true) {
            flags << flag
        } else {
            (value instanceof Collection ? value : [value]).each { flags << "${flag}=${it}".toString() }
        }
    }
    return flags
}

/** One argument for sh: single-quoted, a quote inside written as '"'"'. */
@NonCPS
static String ecrPublishQuote(String argument) {
    return "'" + argument.replace("'", "'\"'\"'") + "'"
}

/** What to archive: the report, the SBOMs, the record, the GitOps patch (workspace-relative ones). */
@NonCPS
static String ecrPublishArtifacts(report, String output, String resultFile) {
    List<String> files = [resultFile]
    (report.sbom ?: []).each { sbom -> files.addAll((sbom.files ?: []).collect { it as String }) }
    if (report.record?.path) {
        files << (report.record.path as String)
    }
    if (output) {
        files << "${output}/gitops.patch".toString()
    }
    return files.findAll { !it.startsWith('/') }.join(',')
}

@NonCPS
static String ecrPublishFailedStages(report) {
    return (report.failures ?: []).collect { it.stage }.join(', ')
}

/** digest, the tags that name the image (held-back ones left out), the image URI, the report. */
@NonCPS
static Map ecrPublishResult(report) {
    List tags = (report.push ? report.push.tags.findAll { it.outcome != 'held-back' }.collect { it.tag } : (report.tags ?: [])) as List
    return [digest: report.manifest.digest, tags: tags, imageUri: report.push?.image, report: report]
}

/** Runs body with the credentials the parameters name, none of them on the command line. */
def ecrPublishCredentials(Map parameters, Closure body) {
    List bindings = []
    if (parameters.awsCredentialsId) {
        bindings << [$class: 'AmazonWebServicesCredentialsBinding', credentialsId: parameters.awsCredentialsId,
                     accessKeyVariable: 'AWS_ACCESS_KEY_ID', secretKeyVariable: 'AWS_SECRET_ACCESS_KEY']
    }
    if (parameters.gitopsTokenCredentialsId) {
        bindings << string(credentialsId: parameters.gitopsTokenCredentialsId, variable: 'GITOPS_TOKEN')
    }
    if (parameters.signKeyCredentialsId) {
        bindings << file(credentialsId: parameters.signKeyCredentialsId, variable: 'ECR_PUBLISH_SIGN_KEY')
    }
    if (parameters.signKeyPassphraseCredentialsId) {
        bindings << string(credentialsId: parameters.signKeyPassphraseCredentialsId, variable: 'COSIGN_PASSWORD')
    }
    Map aws = [role: parameters.awsRole, region: parameters.awsRegion, roleSessionName: parameters.awsRoleSessionName,
               externalId: parameters.awsExternalId].findAll { it.value }
    if (aws) {
        withAWS(aws) { ecrPublishWithBindings(bindings, body) }
    } else {
        ecrPublishWithBindings(bindings, body)
    }
}

def ecrPublishWithBindings(List bindings, Closure body) {
    if (bindings) {
        withCredentials(bindings) { body() }
    } else {
        body()
    }
}
