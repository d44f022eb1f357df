import java.security.SecureRandom;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * Prints the bcrypt hash of a password ($2y$, as htpasswd -nbB writes), with the BouncyCastle the
 * exporter's jar carries: java -cp dtr-exporter.jar BcryptHash.java PASSWORD COST
 */
public class BcryptHash {
    public static void main(String[] args) {
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        System.out.println(OpenBSDBCrypt.generate("2y", args[0].toCharArray(), salt, Integer.parseInt(args[1])));
    }
}
